"""调解案件: matched by case number.  Parties (申请人, 被申请人) are CaseParty rows; several
names in one cell are separated by 、."""

from django.utils.translation import gettext_lazy as _l

from cases import workflow
from cases.models import CaseParty, MediationCase
from cases.services import case_transition
from core.rules import rules_for

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


S = MediationCase.Status
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

    owner_header = "承办组织"
    workflow_fields = ("status", "closed_date", "outcome")
    not_rule_values = frozenset(ROLES)

    def permission(self, attrs, ctx, instance):
        errors = super().permission(attrs, ctx, instance)
        if errors or instance is None:
            return errors
        # The parties' write rule (the case page's party forms obey it), once for the row.
        found = rules_for("case_parties").write_errors({"case_id": instance.pk}, actor=ctx.actor, case=instance)
        if found:
            return [(self.column_of(next(iter(ROLES))).header, str(next(iter(found.values()))))]
        return []

    def check(self, attrs, ctx, instance):
        """The case's rules, and each party added (``case_parties``: name, role)."""
        errors = super().check(attrs, ctx, instance)
        party_rules = rules_for("case_parties")
        for attr, role in ROLES.items():
            for name in attrs.get(attr, ()):
                found = party_rules.check({"role": role, "name": name}, actor=ctx.actor, case=instance)
                if "name" in found:
                    errors.append((self.column_of(attr).header, str(found["name"])))
                    break
        return errors

    def workflow_steps(self, attrs, ctx, instance):
        """A case's status moves only through ``case_transition``, step by step along the
        table (``steps_between``), each step leaving its timeline entry: a new case is saved
        at 受理 first; the closing date and outcome go with the closing step."""
        start = instance.status if instance is not None else S.RECEIVED
        status = attrs.pop("status", start)
        values = {name: attrs.pop(name) for name in ("closed_date", "outcome") if name in attrs}
        if status == start:
            if instance is None:
                attrs.update(values)  # a new case at 受理 (the rules refused a closing date)
            return None
        values["status"] = status
        return {"steps": workflow.steps_between(start, status), "values": values}

    def apply_workflow(self, instance, moves, ctx):
        values = moves["values"]
        for step in moves["steps"]:
            last = step == values["status"]
            instance = case_transition(
                case=instance,
                to_status=step,
                actor=ctx.actor,
                closed_date=values.get("closed_date") if last else None,
                outcome=values.get("outcome", "") if last else "",
                note=values.get("outcome", "") if last and step == S.WITHDRAWN else "",
            )

    def related_write(self, attr, current, new):
        """Parties are only ever added by an import: the names not yet on the case."""
        added = tuple(name for name in new if name not in current)
        return added or None

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
        """Adds the parties named (never deletes one: only the case page's 移除 does)."""
        role = ROLES[attr]
        CaseParty.objects.bulk_create(
            [CaseParty(case_id=case.pk, role=role, name=name) for case, names, _ in items for name in names],
            batch_size=BATCH_SIZE,
        )
