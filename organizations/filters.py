import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet

from .models import Organization, ServiceArea, Town


def visible_organizations(request):
    """The organizations a list's "organization" filter offers: those the user may see."""
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user).only("id", "name").order_by("name")


class OrganizationFilter(PortalFilterSet):
    q = django_filters.CharFilter(label=_("搜索"), method="search")
    town = django_filters.ModelChoiceFilter(label=_("所属镇街"), queryset=Town.objects.all())
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

    def filter_active(self, queryset, name, value):
        return queryset.filter(active=value == "1")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(leader_name__icontains=value) | Q(credit_code__iexact=value)
        )
