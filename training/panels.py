"""The training section of the organization page (registered in apps.py)."""

from organizations.access import is_leader, is_member_of, is_staff

from .models import Attendance, TrainingSession


def organization_figures(organization):
    """Sessions, person-times, distinct trainees and certificates of one organization."""
    figures = Attendance.objects.filter(session__organization=organization).figures()
    figures["sessions"] = TrainingSession.objects.filter(organization=organization).count()
    return figures


def training_panel(request, organization):
    """Counts only, with no personal data, so leaders may see them too; organization users see
    them for their own organizations."""
    user = request.user
    if not (is_staff(user) or is_leader(user) or is_member_of(user, organization.pk)):
        return None
    return {
        "template": "training/_organization_panel.html",
        "organization": organization,
        "figures": organization_figures(organization),
        "show_link": not is_leader(user),
    }
