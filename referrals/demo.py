"""Demo referrals (see fenghua_portal seed_demo): the 旗袍 club's volunteers hand people over to
the 和事嫂 mediation team, the 金石榴 lawyers, 心之岸 social workers and the 安馨 school, one in
every status, with their timelines; and one request (the duplicate path).  Made through the
services (consent, grants, notifications).  Idempotent: a demo referral is recognised by its
person and note."""

import datetime
from typing import TypedDict

from django.contrib.auth import get_user_model
from django.utils import timezone

from beneficiaries.models import AccessGrant, Beneficiary
from organizations.models import Membership

from . import services
from .models import Referral, ReferralEvent

QIPAO = "奉化源为爱旗袍公益俱乐部"
HESHISAO = "奉帮和事嫂家事调解服务队"
LAWYERS = "金石榴女律师工作站"
XINZHIAN = "心之岸社会工作服务中心"
ANXIN = "安馨职业技能培训学校"
# The receiving organizations' demo accounts (admins): email, name, label printed by seed_demo.
RECEIVERS = {
    HESHISAO: ("mediator@demo.lanxin.cn", "和事嫂 调解员", "和事嫂调解员（接收转介）"),
    LAWYERS: ("lawyer@demo.lanxin.cn", "金石榴 律师", "金石榴律师（接收转介）"),
    XINZHIAN: ("social@demo.lanxin.cn", "心之岸 社工", "心之岸社工（接收转介）"),
    ANXIN: ("school@demo.lanxin.cn", "安馨 老师", "安馨老师（接收转介）"),
}


class StepDetails(TypedDict, total=False):
    """What a step of the demo passes to ``services.referral_step`` besides the action."""

    note: str
    reject_reason: str
    outcome: str


# to organization, reason, urgency, note, days ago sent, [(action, days ago, details)]
Step = tuple[str, int, StepDetails]
REFERRALS: list[tuple[str, str, str, str, int, list[Step]]] = [
    (HESHISAO, "family_mediation", "urgent", "走访发现子女推脱赡养，老人无人照顾。", 1, []),
    (HESHISAO, "family_mediation", "normal", "婆媳长期不和，希望调解。", 12, [("accept", 10, {})]),
    (
        HESHISAO,
        "family_mediation",
        "normal",
        "老人的四个子女互相推脱赡养义务。",
        40,
        [("accept", 39, {}), ("complete", 20, {"outcome": "四个子女签订赡养承诺书，轮流照顾老人。"})],
    ),
    (
        LAWYERS,
        "legal_aid",
        "normal",
        "宅基地继承纠纷，需要法律咨询。",
        9,
        [("reject", 7, {"reject_reason": "本站本月名额已满，请转女法官工作室。"})],
    ),
    (XINZHIAN, "psychological", "normal", "丧偶后情绪低落。", 6, [("withdraw", 5, {})]),
    (ANXIN, "employment", "normal", "希望学习育婴技能后就业。", 8, []),
]


def _receiver(ctx, organization):
    email, name, label = RECEIVERS[organization.name]
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=ctx["password"], full_name=name, role="member")
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": Membership.Role.ADMIN})
    ctx.setdefault("demo_logins", []).append((email, label))
    return user


def _backdate(referral, sent, step_days, today):
    """Moves a demo referral's dates into the past (sent ``sent``, its steps ``step_days`` ago),
    its timeline and its access grant with it."""
    moments = [timezone.now() - datetime.timedelta(days=(today - sent).days)]
    moments += [timezone.now() - datetime.timedelta(days=ago) for ago in step_days]
    changes = {"sent_on": sent}
    for field in ("accepted_at", "completed_at", "closed_at"):
        if getattr(referral, field) is not None:
            changes[field] = moments[min(len(moments) - 1, 1 if field in ("accepted_at", "closed_at") else 2)]
    Referral.objects.filter(pk=referral.pk).update(**changes)
    for event, moment in zip(referral.events.order_by("at", "id"), moments, strict=False):
        ReferralEvent.objects.filter(pk=event.pk).update(at=moment)
    grant = AccessGrant.objects.filter(source=referral.grant_source)
    if "accepted_at" in changes:
        grant.update(starts=changes["accepted_at"])
    if "completed_at" in changes:
        grant.update(ends=services.access_ends(changes["completed_at"]))


def seed(ctx):

    orgs, users, today = ctx["organizations"], ctx["users"], ctx["today"]
    qipao = orgs[QIPAO]
    volunteer = users.get("volunteer@demo.lanxin.cn") or users.get("admin@demo.lanxin.cn")
    receivers = {name: _receiver(ctx, orgs[name]) for name in RECEIVERS}
    people = list(Beneficiary.objects.filter(organization=qipao, active=True).order_by("id")[: len(REFERRALS) + 1])
    if len(people) <= len(REFERRALS) or volunteer is None:
        return
    made = 0
    for person, (to_name, reason, urgency, note, days, steps) in zip(people, REFERRALS, strict=False):
        if Referral.objects.filter(person=person, note=note).exists():
            continue
        to = orgs[to_name]
        receiver = receivers[to_name]
        sent = today - datetime.timedelta(days=days)
        referral = services.referral_create(
            person=person,
            from_organization=qipao,
            to_organization=to,
            actor=volunteer,
            reason=reason,
            urgency=urgency,
            note=note,
            consent_date=sent,
            consent_method="verbal",
            guardian_name="监护人" if person.age_on(sent) < 14 else "",
            guardian_consent_date=sent if person.age_on(sent) < 14 else None,
        )
        for action, _ago, details in steps:
            actor = volunteer if action == "withdraw" else receiver
            referral = services.referral_step(referral=referral, action=action, actor=actor, **details)
        _backdate(referral, sent, [ago for _action, ago, _details in steps], today)
        made += 1
    # A request: 心之岸 found a person already registered by the club (the duplicate path).
    asking = people[len(REFERRALS)]
    if not Referral.objects.filter(person=asking, kind=Referral.Kind.REQUEST).exists():
        services.referral_request(
            person=asking,
            requesting_organization=orgs[XINZHIAN],
            actor=receivers[XINZHIAN],
            reason="psychological",
            note="本人来中心求助，希望获得持续的心理支持。",
        )
    ctx["log"](f"转介 {Referral.objects.count()} 条（本次新增 {made} 条）")
