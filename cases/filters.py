import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from organizations.models import Organization

from .models import MediationCase


class CaseFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MediationCase.Status.choices)
    category = django_filters.ChoiceFilter(label=_("案件类别"), choices=MediationCase.Category.choices)
    organization = django_filters.ModelChoiceFilter(label=_("承办组织"), queryset=Organization.objects.none())
    received_from = django_filters.DateFilter(
        label=_("受理日期从"),
        field_name="received_date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        label=_("受理日期至"),
        field_name="received_date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    number = django_filters.CharFilter(label=_("案件编号"), field_name="number", lookup_expr="icontains")

    class Meta:
        model = MediationCase
        fields = ["number", "status", "category", "organization", "received_from", "received_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organization"].queryset = Organization.objects.visible_to(user).only("id", "name")
