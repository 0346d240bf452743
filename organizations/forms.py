from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.widgets import DateInput

from .models import Membership, Organization, ServiceArea
from .validators import normalize_credit_code


class OrganizationForm(forms.ModelForm):
    service_areas = forms.ModelMultipleChoiceField(
        label=_("服务领域"), queryset=ServiceArea.objects.all(), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "credit_code",
            "service_areas",
            "kind",
            "town",
            "leader_name",
            "phone",
            "founded",
            "volunteer_count",
            "active",
        ]
        widgets = {"founded": DateInput()}

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data.get("credit_code"))
        if code and Organization.objects.exclude(pk=self.instance.pk).filter(credit_code=code).exists():
            raise forms.ValidationError(_("已有组织使用该统一社会信用代码。"))
        return code


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label=_("邮箱"))
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)

    def __init__(self, *args, can_add_admin=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_add_admin:
            cast(forms.ChoiceField, self.fields["role"]).choices = [
                (Membership.Role.MEMBER, Membership.Role.MEMBER.label)
            ]


class AccountCreateForm(forms.Form):
    """Staff create staff and leader accounts (organization accounts come by membership)."""

    email = forms.EmailField(label=_("邮箱"))
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(
        label=_("角色"), choices=[(User.Role.LEADER, User.Role.LEADER.label), (User.Role.STAFF, User.Role.STAFF.label)]
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError(_("该邮箱已有账号。"))
        return email
