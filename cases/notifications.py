"""The emails of the cases app (core.mail: written with the change, sent once after commit)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.mail import absolute_url, email_language, send_email
from core.models import Email
from organizations.models import Membership

from .models import MediationCase


def notify_case_reopened(case: MediationCase) -> Email | None:
    """Tells the handling organization's admins that staff reopened one of their cases.  The
    mail names the case number only: narratives stay in the portal."""
    recipients = Membership.objects.filter(
        organization=case.organization, role=Membership.Role.ADMIN, user__is_active=True
    ).values_list("user__email", flat=True)
    with email_language():
        subject = _("【兰馨HUI】调解案件 %(number)s 已被重新打开") % {"number": case.number}
        body = _("妇联工作人员重新打开了贵组织承办的调解案件 %(number)s，请登录平台查看原因并继续调解：%(path)s") % {
            "number": case.number,
            "path": absolute_url(reverse("cases:detail", args=[case.pk])),
        }
    return send_email(key=f"cases.reopened:{case.pk}:{case.version}", to=recipients, subject=subject, body=body)
