"""Celery entry points of the cases app (enqueued with ``delay_on_commit``)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.models import Membership


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def notify_case_reopened(case_id):
    """Tells the handling organization's admins that staff reopened one of their cases.  The
    mail names the case number only: narratives stay in the portal."""
    from .models import MediationCase

    case = MediationCase.objects.filter(pk=case_id).select_related("organization").first()
    if case is None:
        return 0
    recipients = list(
        Membership.objects.filter(
            organization=case.organization, role=Membership.Role.ADMIN, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    subject = _("【兰馨HUI】调解案件 %(number)s 已被重新打开") % {"number": case.number}
    body = _("妇联工作人员重新打开了贵组织承办的调解案件 %(number)s，请登录平台查看原因并继续调解：%(path)s") % {
        "number": case.number,
        "path": reverse("cases:detail", args=[case.pk]),
    }
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
