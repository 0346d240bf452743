from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from beneficiaries.services import visit_organizations_for
from core.widgets import DateInput

from .models import Attendance, TrainingSession


class TrainingSessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "category", "organization", "town", "date", "hours", "trainer", "description"]
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = visit_organizations_for(user).order_by(
            "name"
        )

    def validate_unique(self):
        # The service names the duplicate in Chinese.
        pass


class AttendanceForm(forms.ModelForm):
    """A participant.  When editing, the ID number and phone start empty (never sent whole to
    the page); left empty they keep the stored value."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            from organizations.privacy import mask_id_number, mask_phone

            for name, mask in (("id_number", mask_id_number), ("phone", mask_phone)):
                self.fields[name].widget.attrs["placeholder"] = mask(getattr(self.instance, name))
                self.fields[name].help_text = _("留空则不修改。")
                self.initial[name] = ""

    def _keep(self, name):
        value = self.cleaned_data.get(name, "")
        return value or (getattr(self.instance, name) if self.instance.pk else value)

    def clean_id_number(self):
        return self._keep("id_number")

    def clean_phone(self):
        return self._keep("phone")

    def validate_unique(self):
        pass
