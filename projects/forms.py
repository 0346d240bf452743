from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from organizations.models import Organization

from .models import CharityProject, ProjectReport


class ProjectForm(forms.ModelForm):
    class Meta:
        model = CharityProject
        fields = [
            "name",
            "organization",
            "funder",
            "funding_source",
            "amount",
            "start_date",
            "end_date",
            "target_beneficiaries",
            "status",
            "description",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # New projects go to active organizations; an existing one keeps its (maybe inactive) one.
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = (
            Organization.objects.all() if self.instance.pk else Organization.objects.active()
        )
        cast(forms.ModelChoiceField, self.fields["funder"]).queryset = Organization.objects.all()
        if self.instance.pk:
            # Status moves one step at a time through the 推进 button.
            self.fields.pop("status")

    def clean(self):
        data = super().clean() or self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        if data.get("funder") and data.get("funder") == data.get("organization"):
            self.add_error("funder", _("资助方不能是承接组织本身。"))
        return data


class ReportForm(forms.ModelForm):
    class Meta:
        model = ProjectReport
        fields = [
            "period_start",
            "period_end",
            "narrative",
            "people_served",
            "funds_spent",
            "people_employed",
            "income_generated",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "narrative": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "people_employed": _("创业就业类项目填写，其他项目填0。"),
            "income_generated": _("创业就业类项目填写，其他项目填0。"),
        }

    def _post_clean(self):
        # The rules about periods and states are the service's (services.report_create/update).
        pass


class ReviewForm(forms.Form):
    review_comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、JPEG 或 PNG，不超过10MB。"))
