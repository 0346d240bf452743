"""The beneficiaries section of the organization page (registered in apps.py)."""

from django.db.models import Count, Q
from django.utils import timezone

from core.months import month_start
from organizations.access import can_see_personal_data

from .models import Beneficiary, Visit


def organization_figures(organization, today):
    """Beneficiaries on the register, key-care, overdue today and visits this month."""
    active = Beneficiary.objects.filter(organization=organization).active()
    figures = active.aggregate(total=Count("id"), key_care=Count("id", filter=Q(key_care=True)))
    figures["overdue"] = active.overdue(today).count()
    figures["visits_month"] = (
        Visit.objects.filter(organization=organization).in_period(month_start(today), today).count()
    )
    return figures


def beneficiaries_panel(request, organization):
    """Shown to staff and the organization's own users; leaders see such figures on the
    dashboard, not next to the register."""
    if not can_see_personal_data(request.user, organization.pk):
        return None
    return {
        "template": "beneficiaries/_organization_panel.html",
        "organization": organization,
        "figures": organization_figures(organization, timezone.localdate()),
    }
