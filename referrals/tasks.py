"""Celery entry points of the referrals app."""

import datetime

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import email_language
from core.notifications import notify

from .models import Referral
from .services import people_of


@shared_task(name="referrals.tasks.notify_overdue", acks_late=True, reject_on_worker_lost=True, time_limit=300)
def notify_overdue(today=None):
    """Tells both organizations of each overdue referral (waiting more than 3 working days, or
    accepted more than 30 days without an outcome), once per referral and state: the key names
    the referral, its status and its version, so a rerun or a second beat tells nobody twice.
    Returns the number of referrals notified about."""
    today = datetime.date.fromisoformat(today) if today else timezone.localdate()
    told = 0
    overdue = Referral.objects.overdue(today).select_related("from_organization", "to_organization")
    for referral in overdue.iterator(chunk_size=200):
        with transaction.atomic(), email_language():
            if referral.waiting:
                text = _("一条转介（%(reason)s，%(d)s 发出）已超过3个工作日未接收，请尽快处理。")
            else:
                text = _("一条已接收的转介（%(reason)s，%(d)s 发出）超过30天仍未办结，请填写办理结果。")
            text %= {"reason": referral.get_reason_display(), "d": referral.sent_on.isoformat()}
            notify(
                users=people_of(referral.from_organization_id) | people_of(referral.to_organization_id),
                kind="referral_overdue",
                text=text,
                url=reverse("referrals:detail", args=[referral.pk]),
                key=f"referrals.overdue:{referral.pk}:{referral.status}:{referral.version}",
            )
        told += 1
    return told
