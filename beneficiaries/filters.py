import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from core.widgets import DateInput
from organizations.filters import TownFilter, cached_organization_options, visible_organizations

from .models import Beneficiary, BeneficiaryCategory, Visit


class BeneficiaryFilter(PortalFilterSet):
    """Filters that carry no personal data (they appear in the URL).  The free-text search by
    name, pinyin initials, ID-number tail or phone is posted, never put in the URL."""

    town = TownFilter(label=_("所属镇街"))
    village = django_filters.CharFilter(label=_("村社区"), lookup_expr="icontains")
    category = django_filters.ModelChoiceFilter(
        label=_("服务对象类别"), queryset=BeneficiaryCategory.objects.all(), field_name="categories"
    )
    key_care = django_filters.BooleanFilter(label=_("重点关爱"))
    organization = django_filters.ModelChoiceFilter(label=_("负责组织"), queryset=visible_organizations)
    active = django_filters.BooleanFilter(label=_("在册"))

    class Meta:
        model = Beneficiary
        fields = ["town", "village", "category", "key_care", "organization", "active"]

    option_cache_keys = cached_organization_options(
        "organization", towns=["town"], shared={"category": "beneficiary-categories"}
    )


class VisitFilter(PortalFilterSet):
    start = django_filters.DateFilter(
        label=_("开始日期"), field_name="visit_date", lookup_expr="gte", widget=DateInput()
    )
    end = django_filters.DateFilter(label=_("结束日期"), field_name="visit_date", lookup_expr="lte", widget=DateInput())
    organization = django_filters.ModelChoiceFilter(label=_("走访组织"), queryset=visible_organizations)
    # The person's town, as copied on the visit by the database (beneficiaries/triggers.py).
    town = TownFilter(label=_("所属镇街"), field_name="person_town")
    mode = django_filters.ChoiceFilter(label=_("走访方式"), choices=Visit.Mode.choices)
    follow_up_needed = django_filters.BooleanFilter(label=_("需要跟进"))
    # "Visits I recorded" (the home page's count of the week links here with mine=true).
    mine = django_filters.BooleanFilter(label=_("我登记的"), method="filter_mine")

    class Meta:
        model = Visit
        fields = ["start", "end", "organization", "town", "mode", "follow_up_needed", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value and user is not None:
            return queryset.filter(created_by=user)
        return queryset

    option_cache_keys = cached_organization_options("organization", towns=["town"])


class OverdueFilter(PortalFilterSet):
    organization = django_filters.ModelChoiceFilter(label=_("负责组织"), queryset=visible_organizations)
    town = TownFilter(label=_("所属镇街"))

    class Meta:
        model = Beneficiary
        fields = ["organization", "town"]

    option_cache_keys = cached_organization_options("organization", towns=["town"])


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("姓名 / 拼音首字母 / 身份证号后几位 / 电话"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search", "autofocus": True}),
    )
