import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import PortalFilterSet

from .models import Referral


class ReferralFilter(PortalFilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Referral.Status.choices)
    reason = django_filters.ChoiceFilter(label=_("转介原因"), choices=Referral.Reason.choices)
    overdue = django_filters.BooleanFilter(label=_("仅看逾期"), method="filter_overdue")

    class Meta:
        model = Referral
        fields = ["status", "reason", "overdue"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        return queryset.overdue(timezone.localdate()) if value else queryset
