from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import RuleCheckedForm, VersionedForm
from core.widgets import DateInput
from organizations.access import is_staff
from organizations.models import Organization

from . import rules
from .models import Beneficiary, BeneficiaryCategory, Visit, VisitService
from .services import REVEALABLE


class BeneficiaryForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """Entry of a beneficiary, checked by ``rules.check_beneficiary`` (every error in the first
    round); the view passes the values to ``services.beneficiary_create/update``.

    When editing, the personal fields (ID number, phone, address) start empty so that the page
    never carries their full value: left empty, they keep the stored value."""

    categories = forms.ModelMultipleChoiceField(
        label=_("服务对象类别"),
        queryset=BeneficiaryCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    confirm_similar = forms.BooleanField(label=_("确认不是同一人"), required=False)
    model = Beneficiary
    not_values = ("version", "confirm_similar")

    class Meta:
        model = Beneficiary
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "town",
            "village",
            "address",
            "categories",
            "key_care",
            "visit_cadence",
            "key_care_since",
            "organization",
            "consent_date",
            "consent_method",
            "guardian_name",
            "guardian_consent_date",
        ]
        widgets = {
            "birth_date": DateInput(),
            "key_care_since": DateInput(),
            "consent_date": DateInput(),
            "guardian_consent_date": DateInput(),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {
            "gender": _("可不填，按身份证号自动识别。"),
            "birth_date": _("可不填，按身份证号自动识别。"),
            "guardian_name": _("未满14周岁的服务对象必填。"),
            "visit_cadence": _("重点关爱对象必填，如每月2次。"),
        }

    def __init__(self, *args, user, show_confirm=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = user
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        # Required (the rule says so in its own words, the same as an import's).
        self.fields["consent_date"].required = True
        self.fields["consent_method"].required = True
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = Organization.objects.recordable_by(
            user
        ).order_by("name")
        if self.instance.pk:
            self.fields["categories"].initial = list(self.instance.categories.values_list("pk", flat=True))
            for name, mask in REVEALABLE.items():
                field = self.fields[name]
                field.required = False
                stored = getattr(self.instance, name)
                field.widget.attrs["placeholder"] = mask(stored)
                field.help_text = _("留空则不修改。")
                self.initial[name] = ""
        if not show_confirm:
            self.fields["confirm_similar"].widget = forms.HiddenInput()

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        if self.instance.pk and not value:
            return self.instance.id_number
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        if self.instance.pk and not value:
            return self.instance.phone
        return value

    def clean_address(self):
        value = self.cleaned_data.get("address", "")
        if self.instance.pk and not value:
            return self.instance.address
        return value

    def check(self, values):
        return rules.check_beneficiary(values, actor=self.actor, instance=self.instance if self.instance.pk else None)


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200)


class VisitForm(RuleCheckedForm, VersionedForm, forms.Form):
    """The fast visit form: the date defaults to today; mode and services are big tap targets.
    Checked by ``rules.check_visit``; also the form that corrects a visit (``visit``), within
    the time and by the people ``rules.visit_change_error`` allows."""

    model = Visit
    not_values = ("version", "confirm_duplicate")

    organization = forms.ModelChoiceField(label=_("走访组织"), queryset=Organization.objects.none())
    visit_date = forms.DateField(label=_("走访日期"), widget=DateInput())
    mode = forms.ChoiceField(
        label=_("走访方式"),
        choices=Visit.Mode.choices,
        initial=Visit.Mode.HOME,
        widget=forms.RadioSelect(attrs={"class": "tap"}),
    )
    services = forms.ModelMultipleChoiceField(
        label=_("服务内容"),
        queryset=VisitService.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "tap"}),
    )
    supplies_value = forms.DecimalField(
        label=_("物资价值（元）"),
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    visitors = forms.CharField(label=_("走访人"), max_length=100, required=False)
    follow_up_needed = forms.BooleanField(label=_("需要跟进"), required=False)
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm_duplicate = forms.BooleanField(label=_("确认不是重复登记"), required=False)

    def __init__(self, *args, user, beneficiary, visit=None, **kwargs):
        self.record = visit
        if visit is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "organization": visit.organization_id,
                "visit_date": visit.visit_date,
                "mode": visit.mode,
                "services": list(visit.services.values_list("pk", flat=True)),
                "supplies_value": visit.supplies_value,
                "visitors": visit.visitors,
                "follow_up_needed": visit.follow_up_needed,
                "notes": visit.notes,
            }
        super().__init__(*args, **kwargs)
        self.actor = user
        self.beneficiary = beneficiary
        self.fields["visit_date"].initial = timezone.localdate()
        self.fields["visitors"].initial = getattr(user, "full_name", "")
        if is_staff(user):
            cast(forms.ModelChoiceField, self.fields["organization"]).queryset = Organization.objects.recordable_by(
                user
            ).order_by("name")
            self.fields["organization"].initial = beneficiary.organization_id
        else:
            del self.fields["organization"]
        if visit is None:
            del self.fields["version"]
        # Shown (by the view) only once a possible double entry has been found.
        self.fields["confirm_duplicate"].widget = forms.HiddenInput()

    def check(self, values):
        values["beneficiary_id"] = self.beneficiary.pk
        if self.record is None:
            values["organization_id"] = rules.visit_organization_for(
                self.actor, self.beneficiary, values.get("organization_id")
            )
        return rules.check_visit(values, actor=self.actor, instance=self.record, beneficiary=self.beneficiary)


class WithdrawVisitForm(VersionedForm, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, visit, **kwargs):
        self.record = visit
        super().__init__(*args, **kwargs)
