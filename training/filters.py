import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from core.widgets import DateInput
from organizations.filters import TownFilter, cached_organization_options, visible_organizations

from .models import TrainingSession


class TrainingSessionFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("培训名称 / 老师"), method="search")
    category = django_filters.ChoiceFilter(label=_("培训类别"), choices=TrainingSession.Category.choices)
    organization = django_filters.ModelChoiceFilter(label=_("主办组织"), queryset=visible_organizations)
    town = TownFilter(label=_("所属镇街"))
    start = django_filters.DateFilter(label=_("开始日期"), field_name="date", lookup_expr="gte", widget=DateInput())
    end = django_filters.DateFilter(label=_("结束日期"), field_name="date", lookup_expr="lte", widget=DateInput())

    class Meta:
        model = TrainingSession
        fields = ["q", "category", "organization", "town", "start", "end"]

    option_cache_keys = cached_organization_options("organization", towns=["town"])

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(trainer__icontains=value)) if value else queryset
