"""走访记录: matched by the beneficiary's ID number, the date and the visiting organization."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from beneficiaries.models import Beneficiary, Visit, VisitService
from beneficiaries.services import beneficiary_subject
from organizations.audit import Action

from .base import (
    AmountWidget,
    ChoiceWidget,
    Column,
    DateWidget,
    ModelSheetResource,
    MultiChoiceWidget,
    NameWidget,
    RowError,
    TextWidget,
    id_number_column,
    organization_names,
    sample_date,
    sample_organization,
)


class VisitResource(ModelSheetResource):
    name = "visits"
    label = _l("走访记录")
    model = Visit
    key_header = "身份证号"
    label_headers = ("身份证号", "走访日期")
    related_attrs = ("services",)
    related_models = {"services": VisitService}
    defaults = {"mode": Visit.Mode.HOME, "supplies_value": 0}
    export_related = ("beneficiary", "organization")
    export_prefetch = ("services",)
    columns = (
        id_number_column("330283195806150026", attribute="beneficiary__id_number", required=True),
        Column(
            "走访日期", "visit_date", DateWidget(), aliases=("visit_date", "date"), required=True, example=sample_date
        ),
        Column(
            "走访组织",
            "organization",
            NameWidget(100),
            aliases=("organization",),
            required=True,
            dropdown=organization_names,
            example=sample_organization,
        ),
        Column("走访方式", "mode", ChoiceWidget(Visit.Mode), aliases=("mode",), example="入户走访"),
        Column(
            "服务内容",
            "services",
            MultiChoiceWidget(VisitService.Code),
            aliases=("services",),
            example="物资慰问、健康检查",
        ),
        Column(
            "物资价值", "supplies_value", AmountWidget(2, 10), aliases=("supplies_value", "supplies value"), example=200
        ),
        Column("走访人", "visitors", TextWidget(100), aliases=("visitors",), example="志愿者小李"),
        Column("备注", "notes", TextWidget(2000), aliases=("notes",), example="身体状况良好"),
    )

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {"_id_number": values["beneficiary__id_number"]},
            ["visit_date", "mode", "supplies_value", "visitors", "notes"],
        )
        try:
            attrs["organization_id"] = ctx.organization_id(values.get("organization"), "走访组织")
        except RowError as exc:
            errors.append((exc.header, exc.reason))
        if "services" in values:
            ids = ctx.code_ids(VisitService)
            attrs["services"] = frozenset(ids[code] for code in values["services"] if code in ids)
        return attrs

    owner_header = "走访组织"
    field_headers = {"beneficiary": "身份证号"}

    def rule_values(self, attrs, ctx, instance):
        values = super().rule_values(attrs, ctx, instance)
        person = ctx.beneficiaries.get(attrs["_id_number"])
        if instance is None and person is not None:
            values["beneficiary_id"] = person.pk
        return values

    def rule_context(self, attrs, ctx, instance):
        person = ctx.beneficiaries.get(attrs["_id_number"])
        return {"beneficiary": person} if instance is None and person is not None else {}

    def permission(self, attrs, ctx, instance):
        if instance is None and attrs["_id_number"] not in ctx.beneficiaries:
            # Not on the register, or not in the user's sight: the same words for both.
            return [("身份证号", _("未找到该身份证号的服务对象，请先导入服务对象。"))]
        return super().permission(attrs, ctx, instance)

    def scope_of(self, instance):
        return instance.beneficiary.organization_id

    def key(self, attrs):
        return (attrs["_id_number"], attrs["visit_date"], attrs["organization_id"])

    def fetch_existing(self, keys, ctx):
        # The beneficiaries the user may see, by ID number: one query per chunk.  A number of
        # someone the user may not see is answered as unknown, and the attempt recorded.
        numbers = {key[0] for key in keys}
        people = Beneficiary.objects.filter(id_number__in=numbers).only(
            "id", "id_number", "organization_id", "active", "birth_date"
        )
        ctx.beneficiaries = {}
        for person in people:
            if ctx.hidden(person.organization_id):
                ctx.audit.append(
                    {
                        "action": Action.DUPLICATE,
                        "subjects": [beneficiary_subject(person)],
                        "organization": person.organization_id,
                        "resource": self.name,
                        "field": "id_number",
                    }
                )
            else:
                ctx.beneficiaries[person.id_number] = person
        by_pk = {person.pk: number for number, person in ctx.beneficiaries.items()}
        found: dict[tuple[str, object, int], Visit] = {}
        visits = (
            Visit.objects.filter(beneficiary_id__in=by_pk, visit_date__in={key[1] for key in keys})
            .select_related("beneficiary")
            .order_by("id")
        )
        for visit in visits:
            found.setdefault((by_pk[visit.beneficiary_id], visit.visit_date, visit.organization_id), visit)
        return found

    def build(self, attrs, ctx):
        instance = super().build(attrs, ctx)
        instance.beneficiary_id = ctx.beneficiaries[attrs["_id_number"]].pk
        instance.created_by = ctx.user
        return instance
