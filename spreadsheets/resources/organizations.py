"""组织: matched by credit code, or else by name.  Staff only (see spreadsheets.permissions)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _l

from organizations.models import Organization, ServiceArea
from organizations.validators import normalize_credit_code

from .base import (
    ChoiceWidget,
    Column,
    DateWidget,
    IntegerWidget,
    ModelSheetResource,
    MultiChoiceWidget,
    NameWidget,
    RowError,
    TextWidget,
    sample_town,
    town_names,
)


class OrganizationResource(ModelSheetResource):
    name = "organizations"
    label = _l("组织")
    model = Organization
    key_header = "组织名称"
    label_headers = ("组织名称",)
    defaults = {"volunteer_count": 0, "kind": Organization.Kind.REGISTERED}
    scope_attr = "pk"
    related_attrs = ("service_areas",)
    export_related = ("town",)
    export_prefetch = ("service_areas",)
    columns = (
        Column(
            "组织名称",
            "name",
            TextWidget(100),
            aliases=("name", "organization"),
            required=True,
            example="锦屏巧娘工作室",
        ),
        Column(
            "统一社会信用代码",
            "credit_code",
            TextWidget(18),
            aliases=("credit_code", "credit code"),
            example="52330283000000001R",
            text=True,
            width=22,
        ),
        Column(
            "服务领域",
            "service_areas",
            MultiChoiceWidget(ServiceArea.Code),
            aliases=("service_areas", "service areas"),
            example="关爱帮扶、志愿服务",
        ),
        Column("组织形式", "kind", ChoiceWidget(Organization.Kind), aliases=("kind",), example="工作室"),
        Column(
            "所属镇街",
            "town",
            NameWidget(20),
            aliases=("town",),
            required=True,
            dropdown=town_names,
            example=sample_town,
        ),
        Column("负责人", "leader_name", TextWidget(50), aliases=("leader", "leader_name"), example="李芳"),
        Column("联系电话", "phone", TextWidget(20), aliases=("phone",), example="0574-88881234", text=True, width=16),
        Column("成立日期", "founded", DateWidget(), aliases=("founded",), example="2018-03-08"),
        Column("志愿者人数", "volunteer_count", IntegerWidget(), aliases=("volunteer_count", "volunteers"), example=20),
    )

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {},
            ["name", "leader_name", "phone", "founded", "volunteer_count", "kind"],
        )
        if "credit_code" in values:
            attrs["credit_code"] = normalize_credit_code(values["credit_code"])  # checked by the rules
        try:
            attrs["town_id"] = ctx.town_id(values.get("town"), "所属镇街")
        except RowError as exc:
            errors.append((exc.header, exc.reason))
        if "service_areas" in values:
            ids = ctx.code_ids(ServiceArea)
            attrs["service_areas"] = frozenset(ids[code] for code in values["service_areas"] if code in ids)
        return attrs

    def key(self, attrs):
        code = attrs.get("credit_code")
        return ("code", code) if code else ("name", attrs["name"])

    def unique_keys(self, attrs, key):
        keys = [("name", attrs["name"])]
        if attrs.get("credit_code"):
            keys.append(("code", attrs["credit_code"]))
        return keys

    def fetch_existing(self, keys, ctx):
        codes = [value for kind, value in keys if kind == "code"]
        names = [value for kind, value in keys if kind == "name"]
        found = {}
        for org in Organization.objects.filter(Q(credit_code__in=codes) | Q(name__in=names)):
            if org.credit_code:
                found[("code", org.credit_code)] = org
            found.setdefault(("name", org.name), org)
        return found

    def hidden_errors(self, attrs, ctx, instance):
        # The directory of organizations is not secret (their names fill every sheet's
        # drop-down): the rules answer who may change which (``organization_write_errors``).
        return []
