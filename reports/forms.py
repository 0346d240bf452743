from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.months import month_start, parse_month
from core.roles import Role, role_of
from organizations.models import Organization, Town

from .access import may_request, may_view, organizations_of
from .statistics import Scope


class MonthInput(forms.DateInput):
    input_type = "month"


class ScopeForm(forms.Form):
    """A month and a scope (the district, a town or an organization) offered according to the
    user's role: for the dashboard (``purpose="view"``) or for a PDF (``purpose="report"``)."""

    month = forms.CharField(label=_("月份"), widget=MonthInput(format="%Y-%m"), help_text=_("格式：2021-07"))
    town = forms.ModelChoiceField(label=_("镇街"), queryset=Town.objects.none(), required=False, empty_label=_("全区"))
    organization = forms.ModelChoiceField(
        label=_("组织"), queryset=Organization.objects.none(), required=False, empty_label=_("（不限）")
    )

    def __init__(self, data=None, *, user, purpose="view", default_month=None):
        self.user, self.purpose = user, purpose
        initial = {"month": f"{(default_month or timezone.localdate()):%Y-%m}"}
        super().__init__(data, initial=initial)
        role = role_of(user)
        if role in (Role.STAFF, Role.LEADER):
            cast(forms.ModelChoiceField, self.fields["town"]).queryset = Town.objects.all()
        else:
            del self.fields["town"]
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        if role == Role.STAFF or (role == Role.LEADER and purpose == "view"):
            organization.queryset = Organization.objects.select_related("town").order_by("town__order", "name")
        elif role == Role.MEMBER:
            organization.queryset = organizations_of(user)
            organization.required = True
            organization.empty_label = None
        else:
            del self.fields["organization"]

    def clean_month(self):
        try:
            month = parse_month(self.cleaned_data["month"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        if month > month_start(timezone.localdate()):
            raise forms.ValidationError(_("月份不能晚于本月。"))
        if month.year < 2000:
            raise forms.ValidationError(_("月份不能早于2000年。"))
        return month

    def clean(self):
        data = super().clean() or self.cleaned_data
        organization, town = data.get("organization"), data.get("town")
        if organization:
            scope = Scope.for_organization(organization)
        elif town:
            scope = Scope.for_town(town)
        else:
            scope = Scope.district()
        allowed = may_request if self.purpose == "report" else may_view
        if not allowed(self.user, scope):
            raise forms.ValidationError(_("您没有权限查看这个范围的统计。"))
        data["scope"] = scope
        return data
