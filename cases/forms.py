from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import RuleCheckedForm, VersionedForm
from core.widgets import DateInput
from organizations.models import Organization

from . import rules, workflow
from .models import CaseEvent, CaseParty, MediationCase


class CaseCreateForm(RuleCheckedForm, forms.ModelForm):
    """Opening a case with its parties, checked by ``rules.check_case`` and
    ``rules.check_party`` (the parties' errors under their own fields)."""

    model = MediationCase
    not_values = ("applicant_name", "applicant_phone", "respondent_names", "respondent_phone")
    organization = forms.ModelChoiceField(label=_("承办组织"), queryset=Organization.objects.none())
    applicant_name = forms.CharField(label=_("申请人"), max_length=50)
    applicant_phone = forms.CharField(label=_("申请人电话"), max_length=20, required=False)
    respondent_names = forms.CharField(
        label=_("被申请人"), max_length=200, required=False, help_text=_("多人用顿号或逗号分隔。")
    )
    respondent_phone = forms.CharField(label=_("被申请人电话"), max_length=20, required=False)

    class Meta:
        model = MediationCase
        fields = ["organization", "category", "source", "received_date", "summary"]
        widgets = {"received_date": DateInput()}

    def __init__(self, *args, organizations, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()
        self.fields["received_date"].initial = timezone.localdate()
        self.fields["applicant_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["respondent_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})

    def check(self, values):
        errors = rules.check_case(values, actor=self.actor)
        data = self.cleaned_data
        errors.update(
            rules.opening_party_errors(actor=self.actor, **{name: data.get(name, "") for name in self.not_values})
        )
        return errors


class CaseEditForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """The version the form was loaded at travels with it; a save against a newer version is
    refused with what the other person changed (see services.case_update)."""

    model = MediationCase

    class Meta:
        model = MediationCase
        fields = ["category", "source", "received_date", "summary"]
        widgets = {"received_date": DateInput()}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def check(self, values):
        return rules.check_case(values, actor=self.actor, instance=self.instance)


class TransitionForm(forms.Form):
    """A status step, checked by ``rules.transition_errors`` when the form is cleaned, so every
    error shows next to its field in the first round.  结案日期 and 调解结果 belong to the closing
    steps only: they are not pre-filled, and static/js/forms.js shows them only when a closing
    step is chosen.  Withdrawing without a date records today as the day the case ended."""

    status = forms.ChoiceField(label=_("变更为"), choices=MediationCase.Status.choices)
    closed_date = forms.DateField(label=_("结案日期"), required=False, widget=DateInput())
    outcome = forms.CharField(label=_("调解结果"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if not self.is_bound:
            targets = workflow.allowed_targets(case.status)
            cast(forms.ChoiceField, self.fields["status"]).choices = [(s, workflow.ACTION_LABELS[s]) for s in targets]
        # Every status is accepted when posted: a wrong step is refused in the rule's words.
        closing = " ".join(sorted(workflow.CLOSING))
        for name in ("closed_date", "outcome"):
            self.fields[name].show_for = closing  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean() or {}
        status = data.get("status")
        if status is None:
            return data
        found = rules.transition_errors(
            case=self.case,
            to_status=status,
            closed_date=data.get("closed_date"),
            outcome=data.get("outcome", ""),
            note=data.get("note", ""),
        )
        for field, message in found.items():
            if not self.has_error(field):
                self.add_error(field, message)
        if not found and status == MediationCase.Status.WITHDRAWN and not data.get("closed_date"):
            data["closed_date"] = timezone.localdate()
        return data


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("重新打开原因"), max_length=500)


class EventForm(forms.ModelForm):
    class Meta:
        model = CaseEvent
        fields = ["kind", "at", "text"]
        widgets = {
            "at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            c for c in CaseEvent.Kind.choices if c[0] != CaseEvent.Kind.STATUS
        ]
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class PartyForm(RuleCheckedForm, forms.ModelForm):
    """A party added on the case page, checked by ``rules.check_party`` (every error at once)."""

    model = CaseParty
    not_values = ("beneficiary_id_number",)
    beneficiary_id_number = forms.CharField(
        label=_("关联服务对象身份证号"),
        max_length=18,
        required=False,
        help_text=_("可选：填写后关联到本组织的服务对象。"),
    )

    class Meta:
        model = CaseParty
        fields = ["role", "name", "phone"]

    def __init__(self, *args, case=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.actor = case, actor

    def check(self, values):
        return rules.check_party(values, actor=self.actor, case=self.case)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、JPEG 或 PNG，不超过10MB，例如签字的赡养承诺书。"))
    description = forms.CharField(label=_("说明"), max_length=100, required=False)
