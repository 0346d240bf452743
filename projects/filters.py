import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from organizations.filters import cached_organization_options, visible_organizations
from organizations.models import Organization

from .models import CharityProject, ProjectReport

DATE = {"type": "date"}


class ProjectFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("项目名称"), field_name="name", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CharityProject.Status.choices)
    organization = django_filters.ModelChoiceFilter(label=_("承接组织"), queryset=visible_organizations)
    funder = django_filters.ModelChoiceFilter(label=_("资助方"), queryset=visible_organizations)
    funding_source = django_filters.ChoiceFilter(label=_("资金来源"), choices=CharityProject.FundingSource.choices)
    active_from = django_filters.DateFilter(
        label=_("执行期间从"), field_name="end_date", lookup_expr="gte", widget=forms.DateInput(attrs=DATE)
    )
    active_to = django_filters.DateFilter(
        label=_("执行期间至"), field_name="start_date", lookup_expr="lte", widget=forms.DateInput(attrs=DATE)
    )

    class Meta:
        model = CharityProject
        fields = ["q", "status", "organization", "funder", "funding_source", "active_from", "active_to"]

    option_cache_keys = cached_organization_options("organization", "funder")


class ReportFilter(PortalFilterSet):
    """The progress reports a user may see (the home page links here: returned reports with
    ``status=returned``)."""

    status = django_filters.ChoiceFilter(label=_("状态"), choices=ProjectReport.Status.choices)
    organization = django_filters.ModelChoiceFilter(
        label=_("承接组织"), field_name="project__organization", queryset=Organization.objects.none()
    )

    class Meta:
        model = ProjectReport
        fields = ["status", "organization"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["organization"].queryset = Organization.objects.visible_to(user).only("id", "name")
