from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RuleCheckedForm, VersionedForm
from core.widgets import DateInput
from organizations.models import Organization

from . import rules
from .models import CharityProject, ProjectReport


class ProjectForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """A project, checked by ``rules.check_project``; only the fields the actor may change are
    offered (an organization's admin: 项目简介 and 目标人数)."""

    model = CharityProject

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

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # New projects go to active organizations; an existing one keeps its (maybe inactive) one.
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = (
            Organization.objects.all() if self.instance.pk else Organization.objects.active()
        )
        cast(forms.ModelChoiceField, self.fields["funder"]).queryset = Organization.objects.all()
        # The status moves one step at a time through the workflow's buttons.
        editable = rules.project_fields_editable_by(actor, self.instance if self.instance.pk else None)
        for name in list(self.fields):
            attname = f"{name}_id" if name in ("organization", "funder") else name
            if name != "version" and attname not in editable:
                self.fields.pop(name)

    def check(self, values):
        return rules.check_project(values, actor=self.actor, instance=self.instance if self.instance.pk else None)


class ReportForm(RuleCheckedForm, VersionedForm, forms.ModelForm):
    """A progress report, checked by ``rules.check_report``."""

    model = ProjectReport

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

    def __init__(self, *args, actor, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.project = project
        if not self.instance.pk:
            del self.fields["version"]

    def check(self, values):
        instance = self.instance if self.instance.pk else None
        return rules.check_report(values, actor=self.actor, instance=instance, project=self.project)


class ReviewForm(forms.Form):
    review_comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、JPEG 或 PNG，不超过10MB。"))
