from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RuleCheckedForm, VersionedForm
from core.widgets import DateInput
from organizations.models import Organization
from organizations.privacy import mask_id_number, mask_phone

from . import rules
from .models import Attendance, TrainingSession


class TrainingSessionForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """A session, checked by ``rules.check_session``."""

    model = TrainingSession

    class Meta:
        model = TrainingSession
        fields = ["title", "category", "organization", "town", "date", "hours", "trainer", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = user
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = Organization.objects.recordable_by(
            user
        ).order_by("name")

    def check(self, values):
        return rules.check_session(values, actor=self.actor, instance=self.instance if self.instance.pk else None)


class AttendanceForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """A participant, checked by ``rules.check_attendance``.  When editing, the ID number and
    phone start empty (never sent whole to the page); left empty they keep the stored value."""

    model = Attendance

    class Meta:
        model = Attendance
        fields = [
            "name",
            "id_number",
            "phone",
            "attended",
            "certificate_obtained",
            "certificate_number",
            "certificate_date",
        ]
        widgets = {
            "certificate_date": DateInput(),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
        }
        help_texts = {"id_number": _("身份证号和联系电话至少填一项。")}

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = user
        self.session = session
        if self.instance.pk:
            for name, mask in (("id_number", mask_id_number), ("phone", mask_phone)):
                self.fields[name].widget.attrs["placeholder"] = mask(getattr(self.instance, name))
                self.fields[name].help_text = _("留空则不修改。")
                self.initial[name] = ""
        else:
            del self.fields["version"]

    def _keep(self, name):
        value = self.cleaned_data.get(name, "")
        return value or (getattr(self.instance, name) if self.instance.pk else value)

    def clean_id_number(self):
        return self._keep("id_number")

    def clean_phone(self):
        return self._keep("phone")

    def check(self, values):
        instance = self.instance if self.instance.pk else None
        return rules.check_attendance(values, actor=self.actor, instance=instance, session=self.session)
