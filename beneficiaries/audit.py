"""Beneficiaries in the personal-data audit log (registered in apps.py): their labels on the
staff audit page and the search by name or ID number."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.history import field_label
from organizations.validators import normalize_id_number

from .models import Beneficiary

LABEL = _("服务对象")


def labels(ids):
    return {
        pk: (name, reverse("beneficiaries:detail", args=[pk]))
        for pk, name in Beneficiary.objects.filter(pk__in=ids).values_list("pk", "name")
    }


def find(text):
    """Ids of the people with this ID number, or whose name contains the text."""
    text = text.strip()
    return Beneficiary.objects.filter(Q(name__icontains=text) | Q(id_number=normalize_id_number(text))).values_list(
        "pk", flat=True
    )


def field_labels():
    from .services import REVEALABLE

    return {field: field_label(Beneficiary, field) for field in REVEALABLE}
