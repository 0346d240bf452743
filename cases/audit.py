"""Case parties in the personal-data audit log (registered in apps.py): their labels on the
staff audit page and the search by name or case number."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.history import field_label

from .models import CaseParty

LABEL = _("案件当事人")


def labels(ids):
    parties = CaseParty.objects.filter(pk__in=ids).select_related("case")
    return {
        party.pk: (
            f"{party.case.number} {party.get_role_display()} {party.name}",
            reverse("cases:detail", args=[party.case_id]),
        )
        for party in parties
    }


def find(text):
    text = text.strip()
    return CaseParty.objects.filter(Q(name__icontains=text) | Q(case__number__iexact=text)).values_list("pk", flat=True)


def field_labels():
    from .services import PARTY_REVEALABLE

    return {field: field_label(CaseParty, field) for field in PARTY_REVEALABLE}
