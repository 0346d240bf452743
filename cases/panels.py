"""The organization page's mediation section: case counts by status (counts only, so leaders
may see it too); the link to the rows only for those who may read them."""

from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.access import is_leader

from .models import MediationCase


def case_panel(request, organization):
    counts = MediationCase.objects.countable_by(request.user).filter(organization=organization).counts_by_status()
    if not counts:
        return None
    items = [{"label": label, "n": counts.get(value, 0)} for value, label in MediationCase.Status.choices]
    items.insert(0, {"label": _("合计"), "n": sum(counts.values())})
    list_url = None
    if not is_leader(request.user):
        list_url = reverse("cases:list") + f"?organization={organization.pk}"
    return {"template": "cases/panel.html", "counts": items, "list_url": list_url}
