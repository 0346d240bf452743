"""Celery entry points of the beneficiaries app."""

import datetime

from celery import shared_task
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.mail import absolute_url, email_language, send_email
from organizations.models import Membership
from organizations.privacy import mask_name

from .models import Beneficiary

NAMES_PER_MAIL = 20


def _overdue_counts(today):
    """{organization_id: count} of overdue key-care beneficiaries, from one query."""
    overdue_ids = Beneficiary.objects.overdue(today).values("pk")
    rows = (
        Beneficiary.objects.filter(pk__in=overdue_ids)
        .values("organization_id", "organization__name")
        .annotate(n=Count("id"))
        .order_by("organization__name")
    )
    return {row["organization_id"]: (row["organization__name"], row["n"]) for row in rows}


@shared_task(name="beneficiaries.tasks.send_overdue_digest", acks_late=True, time_limit=300, soft_time_limit=240)
def send_overdue_digest(today=None):
    """Emails each organization's admins the number of its overdue key-care beneficiaries (with
    masked names only), and federation staff the district count by town.  ``today``: an ISO
    date, default the local date.  Each mail is keyed by the date and its recipients' scope, so
    a rerun (a second beat, a message delivered twice) sends nothing more.  Returns the number
    of mails sent."""
    today = datetime.date.fromisoformat(today) if today else timezone.localdate()
    with transaction.atomic(), email_language():
        return _send_digest(today)


def _send_digest(today):
    counts = _overdue_counts(today)
    link = absolute_url(reverse("beneficiaries:overdue"))
    sent = 0
    admins = (
        Membership.objects.filter(organization_id__in=list(counts), role=Membership.Role.ADMIN, user__is_active=True)
        .exclude(user__email="")
        .values_list("organization_id", "user__email")
    )
    recipients: dict[int, list[str]] = {}
    for org_id, email in admins:
        recipients.setdefault(org_id, []).append(email)
    for org_id, emails in recipients.items():
        org_name, count = counts[org_id]
        names = [
            mask_name(name)
            for name in Beneficiary.objects.filter(organization_id=org_id)
            .overdue(today)
            .values_list("name", flat=True)[:NAMES_PER_MAIL]
        ]
        body = _(
            "%(org)s：截至 %(today)s，有 %(n)d 位重点关爱对象逾期未访：%(names)s%(more)s。\n"
            "请登录兰馨HUI平台的“逾期未访”页面查看并安排走访：%(link)s"
        ) % {
            "org": org_name,
            "today": today.isoformat(),
            "n": count,
            "names": "、".join(names),
            "more": _("等") if count > len(names) else "",
            "link": link,
        }
        send_email(
            key=f"beneficiaries.overdue-digest:{today.isoformat()}:org-{org_id}",
            to=emails,
            subject=_("【兰馨HUI】%(n)d 位重点关爱对象逾期未访") % {"n": count},
            body=body,
        )
        sent += 1

    staff_emails = list(
        User.objects.filter(role=User.Role.STAFF, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if staff_emails:
        total = sum(n for _name, n in counts.values())
        by_town = Beneficiary.objects.overdue(today).counts_by_town()
        lines = [f"{row['town']}：{row['count']}" for row in by_town]
        body = _("截至 %(today)s，全区共有 %(n)d 位重点关爱对象逾期未访。\n按镇街：\n%(towns)s\n%(link)s") % {
            "today": today.isoformat(),
            "n": total,
            "towns": "\n".join(lines) or "—",
            "link": link,
        }
        send_email(
            key=f"beneficiaries.overdue-digest:{today.isoformat()}:staff",
            to=staff_emails,
            subject=_("【兰馨HUI】全区逾期未访 %(n)d 人") % {"n": total},
            body=body,
        )
        sent += 1
    return sent
