from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import RuleCheckedForm, VersionedForm
from core.widgets import DateInput

from . import rules
from .models import Membership, Organization, ServiceArea
from .validators import normalize_credit_code


class OrganizationForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """An organization's profile, checked by ``rules.check_organization``.  Only the fields the
    actor may change are offered (an organization's admin does not see 正常运行)."""

    model = Organization
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
            "deactivated_on",
        ]
        widgets = {"founded": DateInput(), "deactivated_on": DateInput()}
        help_texts = {"deactivated_on": _("停止运行时填写，不填则为今天；恢复运行时自动清空。")}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        editable = rules.organization_fields_editable_by(actor, self.instance if self.instance.pk else None)
        for name in list(self.fields):
            attname = "town_id" if name == "town" else name
            if name != "version" and attname not in editable:
                self.fields.pop(name)

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code"))

    def check(self, values):
        instance = self.instance if self.instance.pk else None
        return rules.check_organization(values, actor=self.actor, instance=instance)


class MembershipRoleForm(VersionedForm, forms.Form):
    """Staff change a member's role; the version the page was loaded at travels with it."""

    role = forms.ChoiceField(label=_("角色"), choices=Membership.Role.choices)

    def __init__(self, *args, membership, **kwargs):
        self.record = membership
        # One form per member on the page: ids of their own, so that none is repeated.
        kwargs.setdefault("auto_id", f"id_member{membership.pk}_%s")
        super().__init__(*args, initial={"role": membership.role}, **kwargs)


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
