"""The referral forms.  The sending form is checked by ``rules.check_referral`` (every error in
the first round, consent included); each step's form by ``services.step_errors``."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from cases.models import MediationCase
from core.forms import RuleCheckedForm
from core.widgets import DateInput
from organizations.models import Organization

from . import rules, services
from .models import Referral


class ReferralForm(RuleCheckedForm, forms.ModelForm):
    """Sending a referral of one person (``person``) from ``from_organization``."""

    model = Referral

    class Meta:
        model = Referral
        fields = [
            "to_organization",
            "reason",
            "urgency",
            "note",
            "consent_date",
            "consent_method",
            "guardian_name",
            "guardian_consent_date",
        ]
        widgets = {
            "consent_date": DateInput(),
            "guardian_consent_date": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "note": _("写明需要对方提供的帮助；不要写与转介无关的隐私。"),
            "consent_date": _("须先征得本人同意（未满14周岁须监护人同意），才能把其信息转给对方组织。"),
        }

    def __init__(self, *args, person, from_organization, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.the_person, self.from_organization, self.actor = person, from_organization, actor
        cast(forms.ModelChoiceField, self.fields["to_organization"]).queryset = services.target_organizations().exclude(
            pk=from_organization.pk
        )
        self.fields["to_organization"].label = _("转介给")
        self.fields["consent_date"].initial = timezone.localdate()
        self.fields["consent_method"].required = True
        self.fields["consent_date"].required = True

    def rule_values(self):
        values = super().rule_values()
        values.update(
            person_id=self.the_person.pk if self.the_person else None, from_organization_id=self.from_organization.pk
        )
        return values

    def check(self, values):
        return rules.check_referral(values, actor=self.actor, person=self.the_person)


class FromCaseForm(ReferralForm):
    """Closing a case as 转介 and referring one of its parties (a linked beneficiary)."""

    not_values = ("version", "person", "closed_date", "outcome")
    person = forms.ModelChoiceField(label=_("转介的当事人"), queryset=Beneficiary.objects.none())
    closed_date = forms.DateField(label=_("结案日期"), widget=DateInput())
    outcome = forms.CharField(label=_("调解结果（结案说明）"), widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["person", "to_organization", "reason", "urgency", "note", "closed_date", "outcome"]

    def __init__(self, *args, case, people, actor, **kwargs):
        super().__init__(*args, person=None, from_organization=case.organization, actor=actor, **kwargs)
        self.case = case
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = people
        if not self.is_bound:
            self.fields["closed_date"].initial = timezone.localdate()
        self.order_fields(self.field_order)

    def rule_values(self):
        self.the_person = self.cleaned_data.get("person")
        return super().rule_values()


class RequestForm(forms.Form):
    """The duplicate path: asking the registering organization for a referral."""

    organization = forms.ModelChoiceField(label=_("申请组织"), queryset=Organization.objects.none())
    reason = forms.ChoiceField(label=_("需要提供的服务"), choices=Referral.Reason.choices)
    note = forms.CharField(
        label=_("申请说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("对方组织会征得本人同意后决定是否转介。"),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()


class StepForm(forms.Form):
    """One workflow step; only the fields that step needs are kept."""

    reject_reason = forms.CharField(label=_("拒绝原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    to_organization = forms.ModelChoiceField(label=_("改派给"), queryset=Organization.objects.none(), required=False)
    consent_date = forms.DateField(label=_("本人同意转介日期"), widget=DateInput(), required=False)
    consent_method = forms.ChoiceField(
        label=_("同意方式"), choices=[("", "---------"), *Beneficiary.ConsentMethod.choices], required=False
    )
    guardian_name = forms.CharField(label=_("监护人姓名"), max_length=50, required=False)
    guardian_consent_date = forms.DateField(label=_("监护人同意日期"), widget=DateInput(), required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)

    FIELDS = {
        "reject_reason": ("reject_reason",),
        "outcome": ("outcome",),
        "to_organization": ("to_organization",),
        "consent": ("consent_date", "consent_method", "guardian_name", "guardian_consent_date"),
    }

    def __init__(self, *args, referral, action, **kwargs):
        from .workflow import STEPS

        kwargs["prefix"] = action
        super().__init__(*args, **kwargs)
        self.referral, self.action = referral, action
        keep = {"note"} | {name for need in STEPS[action].needs for name in self.FIELDS[need]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "to_organization" in self.fields:
            field = cast(forms.ModelChoiceField, self.fields["to_organization"])
            field.queryset = services.target_organizations(referral)
        if "reject_reason" in self.fields and action == "decline":
            self.fields["reject_reason"].label = _("不同意的原因")

    def clean(self):
        data = super().clean() or {}
        consent = {name: data.get(name) for name in self.FIELDS["consent"]}
        for field, message in services.step_errors(
            self.referral,
            self.action,
            reject_reason=data.get("reject_reason", ""),
            outcome=data.get("outcome", ""),
            to_organization=data.get("to_organization"),
            consent=consent,
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return data


class OpenCaseForm(forms.Form):
    category = forms.ChoiceField(label=_("案件类别"), choices=MediationCase.Category.choices)
    received_date = forms.DateField(label=_("受理日期"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs["prefix"] = "case"
        super().__init__(*args, **kwargs)
        self.fields["received_date"].initial = timezone.localdate()
