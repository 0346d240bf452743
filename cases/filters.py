import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from organizations.filters import cached_organization_options, visible_organizations

from .models import MediationCase


class CaseFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=MediationCase.Status.choices)
    category = django_filters.ChoiceFilter(label=_("案件类别"), choices=MediationCase.Category.choices)
    organization = django_filters.ModelChoiceFilter(label=_("承办组织"), queryset=visible_organizations)
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
    # Cases still open (受理, 调解中) received more than N days ago (the home page's "open more
    # than 60 days" links here with open_over=60).
    open_over = django_filters.NumberFilter(label=_("未结超过（天）"), method="filter_open_over", min_value=0)

    class Meta:
        model = MediationCase
        fields = ["number", "status", "category", "organization", "received_from", "received_to", "open_over"]

    def filter_open_over(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open_longer_than(int(value), timezone.localdate())

    option_cache_keys = cached_organization_options("organization")
