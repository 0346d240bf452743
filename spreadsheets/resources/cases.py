"""调解案件: matched by case number.  Parties (申请人, 被申请人) are CaseParty rows; several
names in one cell are separated by 、."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from cases.models import CaseParty, MediationCase

from .base import (
    BATCH_SIZE,
    ChoiceWidget,
    Column,
    DateWidget,
    ModelSheetResource,
    NameListWidget,
    NameWidget,
    RowError,
    TextWidget,
    mask_names,
    mask_narrative,
    organization_names,
    sample_date,
    sample_organization,
)


def _case_number(sample):
    return f"TJ-{sample.date.year}-9001"


ROLES = {"applicants": CaseParty.Role.APPLICANT, "respondents": CaseParty.Role.RESPONDENT}


def _parties(role):
    def getter(case):
        return tuple(party.name for party in case.parties.all() if party.role == role)

    return getter


class CaseResource(ModelSheetResource):
    name = "cases"
    label = _l("调解案件")
    model = MediationCase
    key_header = "案件编号"
    label_headers = ("案件编号",)
    defaults = {"source": MediationCase.Source.WALK_IN, "status": MediationCase.Status.RECEIVED}
    related_attrs = ("applicants", "respondents")
    export_related = ("organization",)
    export_prefetch = ("parties",)
    columns = (
        Column(
            "案件编号",
            "number",
            TextWidget(20),
            aliases=("number", "case number"),
            required=True,
            example=_case_number,
            text=True,
        ),
        Column(
            "受理日期",
            "received_date",
            DateWidget(),
            aliases=("received_date", "received"),
            required=True,
            example=sample_date,
        ),
        Column(
            "承办组织",
            "organization",
            NameWidget(100),
            aliases=("organization",),
            required=True,
            dropdown=organization_names,
            example=sample_organization,
        ),
        Column(
            "案件类别",
            "category",
            ChoiceWidget(MediationCase.Category),
            aliases=("category",),
            required=True,
            example="赡养纠纷",
        ),
        Column(
            "申请人",
            "applicants",
            NameListWidget(),
            aliases=("applicant", "applicants"),
            getter=_parties(CaseParty.Role.APPLICANT),
            example="王奶奶",
            mask=mask_names,
        ),
        Column(
            "被申请人",
            "respondents",
            NameListWidget(),
            aliases=("respondent", "respondents"),
            getter=_parties(CaseParty.Role.RESPONDENT),
            example="王大、王二",
            mask=mask_names,
        ),
        Column("案件来源", "source", ChoiceWidget(MediationCase.Source), aliases=("source",), example="来访"),
        Column("状态", "status", ChoiceWidget(MediationCase.Status), aliases=("status",), example="受理"),
        Column("结案日期", "closed_date", DateWidget(), aliases=("closed_date", "closed"), example=""),
        Column("调解结果", "outcome", TextWidget(5000), aliases=("outcome",), example="", mask=mask_narrative),
    )

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {},
            [
                "number",
                "received_date",
                "category",
                "source",
                "status",
                "closed_date",
                "outcome",
                "applicants",
                "respondents",
            ],
        )
        try:
            attrs["organization_id"] = ctx.organization_id(values.get("organization"), "承办组织")
        except RowError as exc:
            errors.append((exc.header, exc.reason))
        return attrs

    def check(self, attrs, ctx, instance):
        values = self.effective(attrs, instance)
        if attrs["received_date"] > ctx.today:
            return [("受理日期", _("受理日期不能晚于今天。"))]
        closed = values.get("closed_date")
        if values["status"] in MediationCase.CLOSED_STATUSES and not closed:
            return [("结案日期", _("调解成功、调解失败或转介的案件须填写结案日期。"))]
        if closed and closed < attrs["received_date"]:
            return [("结案日期", _("结案日期不能早于受理日期。"))]
        if closed and closed > ctx.today:
            return [("结案日期", _("结案日期不能晚于今天。"))]
        return []

    def key(self, attrs):
        return attrs["number"]

    def fetch_existing(self, keys, ctx):
        return {case.number: case for case in MediationCase.objects.filter(number__in=keys)}

    def build(self, attrs, ctx):
        instance = super().build({k: v for k, v in attrs.items() if k not in ROLES}, ctx)
        instance.created_by = ctx.user
        return instance

    def related_sets(self, instances):
        out: dict[str, dict[int, tuple[str, ...]]] = {attr: {} for attr in ROLES}
        by_role: dict[str, str] = {role: attr for attr, role in ROLES.items()}
        parties = CaseParty.objects.filter(case__in=instances).order_by("id").values_list("case_id", "role", "name")
        for case_id, role, name in parties:
            sets = out[by_role[role]]
            sets[case_id] = sets.get(case_id, ()) + (name,)
        return out

    def write_related(self, attr, items):
        role = ROLES[attr]
        replaced = [case.pk for case, _, replace in items if replace]
        if replaced:
            CaseParty.objects.filter(case_id__in=replaced, role=role).delete()
        CaseParty.objects.bulk_create(
            [CaseParty(case_id=case.pk, role=role, name=name) for case, names, _ in items for name in names],
            batch_size=BATCH_SIZE,
        )

    def touch(self, instances, ctx):
        # Optimistic locking: an import is a change like any other.
        for instance in instances:
            instance.version += 1
        return super().touch(instances, ctx) + ["version"]
