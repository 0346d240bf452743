"""Writes about referrals.  Every status change goes through ``referral_step`` (the table is
in ``workflow.py``): it locks the row, checks who may take the step and what it needs, leaves a
timeline entry, raises the version, writes or ends the receiving organization's access grant
and tells the other organization (``core.notifications.notify``)."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from beneficiaries.models import AccessGrant, Beneficiary, Visit
from cases import services as case_services
from cases.models import MediationCase
from core.mail import email_language
from core.notifications import notify
from core.rules import Errors, Values, as_values, raise_errors, require_permission
from core.versioning import bump
from organizations.access import Who
from organizations.models import Organization, OrganizationQuerySet

from . import rules, workflow
from .models import Referral, ReferralEvent

S = Referral.Status


def people_of(organization_id: int) -> QuerySet[User]:
    """The active admins and members of an organization (who are told about its referrals)."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organization_id=organization_id, memberships__organization__active=True, is_active=True
        )
        .distinct()
    )


def _event(
    referral: Referral, actor: User | None, text: str, *, status: str = "", organization_id: int | None = None
) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        at=timezone.now(),
        author=actor if getattr(actor, "pk", None) else None,
        organization_id=organization_id,
        status=status,
        text=text,
    )


def _tell(referral: Referral, organization_id: int, kind: str, text: str, suffix: str) -> None:
    with email_language():
        message = str(text)
    notify(
        users=people_of(organization_id),
        kind=kind,
        text=message,
        url=reverse("referrals:detail", args=[referral.pk]),
        key=f"referrals.{suffix}:{referral.pk}:{referral.version}",
    )


def _speaking_for(actor: Who, referral: Referral, party: str) -> int | None:
    """The organization an actor speaks for in a step (for the timeline)."""
    if party == workflow.SENDER:
        return referral.from_organization_id
    if party == workflow.RECEIVER:
        return referral.to_organization_id
    return None


@transaction.atomic
def referral_create(
    *,
    person: Beneficiary,
    from_organization: Organization,
    to_organization: Organization,
    actor: User,
    reason: str,
    note: str | None = "",
    urgency: str | None = Referral.Urgency.NORMAL,
    consent_date: datetime.date | None = None,
    consent_method: str | None = "",
    guardian_name: str | None = "",
    guardian_consent_date: datetime.date | None = None,
    source_visit: Visit | None = None,
    source_case: MediationCase | None = None,
    today: datetime.date | None = None,
) -> Referral:
    """Sends a referral (待接收) of ``person`` from ``from_organization`` to ``to_organization``;
    refused without the person's consent (and a guardian's under 14).  The receiving
    organization's people are told."""
    today = today or timezone.localdate()
    values = as_values(
        Referral,
        {
            "kind": Referral.Kind.REFERRAL,
            "person": person,
            "from_organization": from_organization,
            "to_organization": to_organization,
            "reason": reason,
            "note": (note or "").strip(),
            "urgency": urgency or Referral.Urgency.NORMAL,
            "source_visit": source_visit,
            "source_case": source_case,
            "consent_date": consent_date,
            "consent_method": consent_method or "",
            "guardian_name": (guardian_name or "").strip(),
            "guardian_consent_date": guardian_consent_date,
        },
    )
    require_permission(rules.referral_write_errors(values, actor=actor))
    raise_errors(rules.check_referral(values, actor=actor, today=today, person=person))
    referral = Referral(
        **values, status=S.PENDING, sent_on=today, created_by=actor if getattr(actor, "pk", None) else None
    )
    referral._history_user = actor
    referral.save()
    _event(
        referral,
        actor,
        _("%(a)s 发出转介至 %(b)s（%(r)s）")
        % {
            "a": referral.from_organization.name,
            "b": referral.to_organization.name,
            "r": referral.get_reason_display(),
        },
        status=S.PENDING,
        organization_id=referral.from_organization_id,
    )
    _tell(
        referral,
        referral.to_organization_id,
        "referral_received",
        _("%(org)s 向贵组织转介了一位服务对象（%(reason)s%(urgent)s），请在 3 个工作日内接收或拒绝。")
        % {
            "org": referral.from_organization.name,
            "reason": referral.get_reason_display(),
            "urgent": _("，紧急") if referral.urgency == Referral.Urgency.URGENT else "",
        },
        "received",
    )
    return referral


@transaction.atomic
def referral_request(
    *,
    person: Beneficiary,
    requesting_organization: Organization,
    actor: User,
    reason: str,
    note: str | None,
    today: datetime.date | None = None,
) -> Referral:
    """The duplicate path: ``requesting_organization`` found ``person`` registered by another
    organization and asks it for a referral (申请中).  The registering organization decides
    (``approve`` with the consent, or ``decline``); the requester learns nothing of the person
    until then."""
    today = today or timezone.localdate()
    values = as_values(
        Referral,
        {
            "kind": Referral.Kind.REQUEST,
            "person": person,
            "from_organization": person.organization,
            "to_organization": requesting_organization,
            "reason": reason,
            "note": (note or "").strip(),
            "urgency": Referral.Urgency.NORMAL,
        },
    )
    require_permission(rules.referral_write_errors(values, actor=actor))
    raise_errors(rules.check_referral(values, actor=actor, today=today, person=person))
    referral = Referral(**values, status=S.REQUESTED, sent_on=today, created_by=actor)
    referral._history_user = actor
    referral.save()
    _event(
        referral,
        actor,
        _("%(b)s 申请转介（%(r)s）") % {"b": referral.to_organization.name, "r": referral.get_reason_display()},
        status=S.REQUESTED,
        organization_id=referral.to_organization_id,
    )
    _tell(
        referral,
        referral.from_organization_id,
        "referral_requested",
        _("%(org)s 申请为贵组织登记的一位服务对象提供服务（%(reason)s），请征得本人同意后决定是否转介。")
        % {"org": referral.to_organization.name, "reason": referral.get_reason_display()},
        "requested",
    )
    return referral


def _grant_start(referral: Referral, now: datetime.datetime) -> None:
    AccessGrant.objects.update_or_create(
        source=referral.grant_source,
        defaults={
            "person_id": referral.person_id,
            "organization_id": referral.to_organization_id,
            "starts": now,
            "ends": None,
        },
    )


def _grant_end(referral: Referral, ends: datetime.datetime) -> None:
    AccessGrant.objects.filter(source=referral.grant_source).update(ends=ends)


def access_ends(completed_at: datetime.datetime) -> datetime.datetime:
    """When the receiving organization's access ends after a referral is completed."""
    return completed_at + datetime.timedelta(days=settings.REFERRAL_ACCESS_DAYS)


def step_errors(
    referral: Referral,
    action: str,
    *,
    reject_reason: str | None = "",
    outcome: str | None = "",
    to_organization: Organization | None = None,
    consent: Values | None = None,
    today: datetime.date | None = None,
) -> Errors:
    """{field: message}: what ``action`` needs and lacks (the page's form shows them next to
    their fields; the service checks them again on the locked row)."""
    step = workflow.STEPS[action]
    errors: Errors = {}
    if referral.status not in step.sources:
        errors["status"] = _("转介状态为“%(s)s”，不能%(a)s。") % {"s": referral.get_status_display(), "a": step.label}
    if "reject_reason" in step.needs and not (reject_reason or "").strip():
        errors["reject_reason"] = _("请填写拒绝原因，转出组织会看到。")
    if "outcome" in step.needs and not (outcome or "").strip():
        errors["outcome"] = _("请填写办理结果，转出组织会看到。")
    if "to_organization" in step.needs:
        if to_organization is None:
            errors["to_organization"] = _("请选择改派的接收组织。")
        elif to_organization.pk in (referral.from_organization_id, referral.to_organization_id):
            errors["to_organization"] = _("请选择转出组织和原接收组织以外的组织。")
        elif not to_organization.active:
            errors["to_organization"] = _("该组织已停止运行。")
    if "consent" in step.needs:
        errors.update(rules.consent_errors(consent or {}, referral.person, today or timezone.localdate()))
    return errors


@transaction.atomic
def referral_step(
    *,
    referral: Referral,
    action: str,
    actor: User,
    note: str | None = "",
    reject_reason: str | None = "",
    outcome: str = "",
    to_organization: Organization | None = None,
    consent_date: datetime.date | None = None,
    consent_method: str | None = "",
    guardian_name: str | None = "",
    guardian_consent_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Referral:
    """Takes one step of the workflow table (``workflow.STEPS``): ``PermissionDenied`` when
    the actor may not take it (nothing written), ``ValidationError`` when it lacks what it
    needs.  Accepting (or approving a request) gives the receiving organization the person's
    record; completing ends that access ``REFERRAL_ACCESS_DAYS`` later."""
    step = workflow.STEPS.get(action)
    if step is None:
        raise ValidationError({"action": _("未知的操作。")})
    locked = (
        Referral.objects.select_for_update()
        .select_related("person", "from_organization", "to_organization")
        .get(pk=referral.pk)
    )
    if not workflow.party_may(actor, locked, step.by):
        raise PermissionDenied
    consent = {
        "consent_date": consent_date,
        "consent_method": consent_method,
        "guardian_name": (guardian_name or "").strip(),
        "guardian_consent_date": guardian_consent_date,
    }
    raise_errors(
        step_errors(
            locked,
            action,
            reject_reason=reject_reason,
            outcome=outcome,
            to_organization=to_organization,
            consent=consent,
            today=today,
        )
    )
    now = timezone.now()
    before = locked.get_status_display()
    note = (note or "").strip()
    details: list[str] = []
    tell_sender, tell_receiver = False, False
    if action in workflow.GRANTING:
        locked.accepted_at = now
        _grant_start(locked, now)
        if action == "approve":
            for name, value in consent.items():
                setattr(locked, name, value)
            tell_receiver = True
        else:
            tell_sender = True
    elif step.target in (S.REJECTED, S.WITHDRAWN):
        locked.closed_at = now
        reject_reason = (reject_reason or "").strip()
        if reject_reason:
            locked.reject_reason = reject_reason
            details.append(_("原因：%(r)s") % {"r": reject_reason})
        tell_sender = action in ("reject",)
        tell_receiver = action in ("decline", "withdraw")
    elif action == "complete":
        locked.completed_at = now
        locked.outcome = outcome.strip()
        details.append(_("办理结果：%(o)s") % {"o": locked.outcome})
        _grant_end(locked, access_ends(now))
        tell_sender = True
    elif action == "redirect":
        previous = locked.to_organization
        # A redirect needs to_organization: step_errors refused None above.
        locked.to_organization = to_organization  # type: ignore[assignment]
        locked.reject_reason = ""
        locked.closed_at = None
        locked.sent_on = today or timezone.localdate()
        details.append(_("由 %(a)s 改派至 %(b)s") % {"a": previous.name, "b": to_organization.name})  # type: ignore[union-attr]
        tell_receiver = True
    locked.status = step.target
    bump(locked)
    locked._history_user = actor
    locked.save()
    text = _("%(action)s：%(a)s → %(b)s") % {"action": step.label, "a": before, "b": locked.get_status_display()}
    if note:
        details.append(note)
    if details:
        text += "。" + "；".join(str(d) for d in details)
    _event(locked, actor, text, status=locked.status, organization_id=_speaking_for(actor, locked, step.by))
    line = _("转介（%(reason)s）%(action)s，当前状态：%(status)s。") % {
        "reason": locked.get_reason_display(),
        "action": step.label,
        "status": locked.get_status_display(),
    }
    if tell_sender:
        _tell(locked, locked.from_organization_id, f"referral_{action}", line, action)
    if tell_receiver:
        _tell(locked, locked.to_organization_id, f"referral_{action}", line, action)
    return locked


@transaction.atomic
def referral_open_case(
    *,
    referral: Referral,
    actor: User,
    category: str,
    received_date: datetime.date | None = None,
    summary: str | None = "",
) -> tuple[Referral, MediationCase]:
    """The receiving organization opens a mediation case from an accepted referral (the person
    as applicant); the referral and the case are linked both ways (``resulting_case`` /
    ``case.source_referral``)."""
    locked = Referral.objects.select_for_update().select_related("person").get(pk=referral.pk)
    if not workflow.party_may(actor, locked, workflow.RECEIVER):
        raise PermissionDenied
    if locked.status != S.ACCEPTED:
        raise ValidationError({"status": _("只有已接收的转介可以立案。")})
    if locked.resulting_case_id:
        raise ValidationError({"status": _("该转介已立案。")})
    case = case_services.case_create(
        organization=locked.to_organization,
        actor=actor,
        category=category,
        received_date=received_date or timezone.localdate(),
        source=MediationCase.Source.FEDERATION_REFERRAL,
        summary=summary or locked.note,
        applicant_name=locked.person.name,
        applicant_phone=locked.person.phone,
    )
    locked.resulting_case = case
    bump(locked)
    locked._history_user = actor
    locked.save()
    # The number stays off the timeline: the sender sees the referral, not the receiver's case.
    _event(locked, actor, _("接收组织已立案调解。"), organization_id=locked.to_organization_id)
    return locked, case


@transaction.atomic
def referral_from_case(
    *,
    case: MediationCase,
    person: Beneficiary,
    to_organization: Organization,
    actor: User,
    reason: str,
    closed_date: datetime.date | None,
    outcome: str | None,
    note: str | None = "",
    urgency: str | None = Referral.Urgency.NORMAL,
    consent_date: datetime.date | None = None,
    consent_method: str | None = "",
    guardian_name: str | None = "",
    guardian_consent_date: datetime.date | None = None,
) -> Referral:
    """Closes ``case`` as 转介 and refers ``person`` (a party of it) to ``to_organization``,
    in one transaction: neither happens without the other."""
    if not case.parties.filter(beneficiary=person).exists():
        raise ValidationError({"person": _("请选择本案中已关联服务对象的当事人。")})
    case = case_services.case_transition(
        case=case, to_status=MediationCase.Status.REFERRED, actor=actor, closed_date=closed_date, outcome=outcome
    )
    return referral_create(
        person=person,
        from_organization=case.organization,
        to_organization=to_organization,
        actor=actor,
        reason=reason,
        note=note,
        urgency=urgency,
        consent_date=consent_date,
        consent_method=consent_method,
        guardian_name=guardian_name,
        guardian_consent_date=guardian_consent_date,
        source_case=case,
    )


def target_organizations(referral: Referral | None = None) -> OrganizationQuerySet:
    """Active organizations a referral may go to."""
    queryset = Organization.objects.active().order_by("name")
    if referral is not None:
        queryset = queryset.exclude(pk__in=[referral.from_organization_id, referral.to_organization_id])
    return queryset
