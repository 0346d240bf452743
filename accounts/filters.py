import ipaddress

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet
from core.widgets import DateInput

from .models import SignInEvent


class SignInEventFilter(PortalFilterSet):
    who = django_filters.CharFilter(label=_("账号或邮箱"), method="filter_who")
    kind = django_filters.ChoiceFilter(label=_("事件"), choices=SignInEvent.Kind.choices)
    start = django_filters.DateFilter(
        label=_("开始日期"), field_name="created_at", lookup_expr="date__gte", widget=DateInput()
    )
    end = django_filters.DateFilter(
        label=_("结束日期"), field_name="created_at", lookup_expr="date__lte", widget=DateInput()
    )
    ip_address = django_filters.CharFilter(label=_("IP 地址"), method="filter_ip")

    class Meta:
        model = SignInEvent
        fields = ["who", "kind", "start", "end", "ip_address"]

    def filter_who(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(email__icontains=value) | Q(user__full_name__icontains=value))

    def filter_ip(self, queryset, name, value):
        try:
            return queryset.filter(ip_address=str(ipaddress.ip_address(value.strip())))
        except ValueError:
            return queryset.none()
