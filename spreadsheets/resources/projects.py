"""公益项目: matched by name and undertaking organization."""

from django.utils.translation import gettext_lazy as _l

from projects import workflow
from projects.models import CharityProject
from projects.services import project_transition

from .base import (
    AmountWidget,
    ChoiceWidget,
    Column,
    DateWidget,
    IntegerWidget,
    ModelSheetResource,
    NameWidget,
    RowError,
    TextWidget,
    organization_names,
    sample_organization,
)


def _year_start(sample):
    return sample.date.replace(month=1, day=1)


def _year_end(sample):
    return sample.date.replace(month=12, day=31)


class ProjectResource(ModelSheetResource):
    name = "projects"
    label = _l("公益项目")
    model = CharityProject
    key_header = "项目名称"
    label_headers = ("项目名称",)
    defaults = {"amount": 0, "target_beneficiaries": 0, "status": CharityProject.Status.DECLARED}
    export_related = ("organization", "funder")
    columns = (
        Column(
            "项目名称",
            "name",
            TextWidget(100),
            aliases=("name", "project"),
            required=True,
            example="关爱老妇女主任项目",
        ),
        Column(
            "承接组织",
            "organization",
            NameWidget(100),
            aliases=("organization",),
            required=True,
            dropdown=organization_names,
            example=sample_organization,
        ),
        Column("资助方", "funder", NameWidget(100), aliases=("funder",), example=""),
        Column(
            "资金来源",
            "funding_source",
            ChoiceWidget(CharityProject.FundingSource),
            aliases=("funding_source", "funding source"),
            required=True,
            example="社会",
        ),
        Column("资助金额", "amount", AmountWidget(2, 12), aliases=("amount",), example=50000),
        Column(
            "开始日期", "start_date", DateWidget(), aliases=("start_date", "start"), required=True, example=_year_start
        ),
        Column("结束日期", "end_date", DateWidget(), aliases=("end_date", "end"), required=True, example=_year_end),
        Column(
            "目标人数", "target_beneficiaries", IntegerWidget(), aliases=("target_beneficiaries", "target"), example=100
        ),
        Column("状态", "status", ChoiceWidget(CharityProject.Status), aliases=("status",), example="申报"),
    )

    owner_header = "承接组织"
    workflow_fields = ("status",)

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {},
            ["name", "funding_source", "amount", "start_date", "end_date", "target_beneficiaries", "status"],
        )
        for header, attr in (("承接组织", "organization"), ("资助方", "funder")):
            if attr in values:
                try:
                    attrs[f"{attr}_id"] = ctx.organization_id(values[attr], header)
                except RowError as exc:
                    errors.append((exc.header, exc.reason))
        return attrs

    def workflow_steps(self, attrs, ctx, instance):
        """A project on record changes its status only through ``project_transition``, one
        step at a time (the rules have checked that each step is the actor's to take)."""
        if instance is None:
            return None  # staff record a new project at its status (the rules: staff only)
        if attrs.get("status", instance.status) == instance.status:
            attrs.pop("status", None)
            return None
        status = attrs.pop("status")
        return {"steps": workflow.steps_between(instance.status, status), "values": {"status": status}}

    def apply_workflow(self, instance, moves, ctx):
        for step in moves["steps"]:
            instance = project_transition(project=instance, actor=ctx.actor, to_status=step)

    def key(self, attrs):
        return (attrs["name"], attrs["organization_id"])

    def fetch_existing(self, keys, ctx):
        projects = CharityProject.objects.filter(
            name__in={k[0] for k in keys}, organization_id__in={k[1] for k in keys}
        )
        return {(p.name, p.organization_id): p for p in projects}
