import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from core.widgets import DateInput

from .models import DataAccessEvent, DataAccessSubject, Organization, ServiceArea
from .options import organization_options_key, shared_options_key, town_choices


def visible_organizations(request):
    """The organizations a list's "organization" filter offers: those the user may see, by
    name.  A FilterSet naming its filters in ``option_cache_keys`` with
    ``organization_options_key`` renders them from the cache (``organizations.options``)."""
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).only("id", "name").order_by("name")


class TownFilter(django_filters.ChoiceFilter):
    """A town, among the towns in their order (``options.town_choices``: cached, so checking
    the chosen town costs no query); filters on ``field_name`` (a town foreign key)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", town_choices)
        super().__init__(*args, **kwargs)


def cached_organization_options(*names, towns=(), shared=None):
    """``option_cache_keys`` for a FilterSet whose filters ``names`` offer ``visible_organizations``,
    ``towns`` all towns, and ``shared`` ({filter: cache name}) other options the same for everyone."""
    keys = dict.fromkeys(names, organization_options_key)
    keys.update(dict.fromkeys(towns, shared_options_key("towns")))
    keys.update({name: shared_options_key(label) for name, label in (shared or {}).items()})
    return keys


class OrganizationFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    town = TownFilter(label=_("所属镇街"))
    service_area = django_filters.ModelChoiceFilter(
        label=_("服务领域"), queryset=ServiceArea.objects.all(), field_name="service_areas"
    )
    kind = django_filters.ChoiceFilter(label=_("组织形式"), choices=Organization.Kind.choices)
    active = django_filters.ChoiceFilter(
        label=_("状态"), choices=[("1", _("正常运行")), ("0", _("已停止"))], method="filter_active"
    )

    class Meta:
        model = Organization
        fields = ["q", "town", "service_area", "kind", "active"]

    option_cache_keys = cached_organization_options(towns=["town"], shared={"service_area": "service-areas"})

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "1")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(leader_name__icontains=value) | Q(credit_code__iexact=value)
        )


class AccessLogFilter(PortalFilterSet):
    """The staff audit page: by person (name, ID number or case number, through the kinds of
    person the apps register), by user, by whose data (organization), by action and by date."""

    person = django_filters.CharFilter(label=_("被访问的人"), method="filter_person")
    user = django_filters.CharFilter(label=_("操作人"), method="filter_user")
    organization = django_filters.ModelChoiceFilter(
        label=_("组织"), queryset=Organization.objects.order_by("name"), method="filter_organization"
    )
    action = django_filters.ChoiceFilter(label=_("操作"), choices=DataAccessEvent.Action.choices)
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="at__date", lookup_expr="gte", widget=DateInput()
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="at__date", lookup_expr="lte", widget=DateInput()
    )

    class Meta:
        model = DataAccessEvent
        fields = ["person", "user", "organization", "action", "date_from", "date_to"]

    def filter_person(self, queryset, name, value):
        from .audit import subject_types

        value = value.strip()
        if not value:
            return queryset
        condition = Q(pk__in=[])
        for record_type, kind in subject_types().items():
            subjects = DataAccessSubject.objects.filter(
                event=OuterRef("pk"), record_type=record_type, record_id__in=kind.find(value)
            )
            condition |= Q(Exists(subjects))
        return queryset.filter(condition)

    def filter_user(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(user__email__icontains=value) | Q(user__full_name__icontains=value))

    def filter_organization(self, queryset, name, value):
        if value is None:
            return queryset
        subjects = DataAccessSubject.objects.filter(event=OuterRef("pk"), organization=value)
        return queryset.filter(Q(organization=value) | Q(Exists(subjects)))
