"""服务对象: matched by ID number; birth date and gender come from it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from beneficiaries.models import Beneficiary, BeneficiaryCategory
from beneficiaries.services import name_initials
from organizations.validators import parse_id_number

from .base import (
    BooleanWidget,
    ChoiceWidget,
    Column,
    IdNumberWidget,
    IntegerWidget,
    ModelSheetResource,
    MultiChoiceWidget,
    NameWidget,
    RowError,
    TextWidget,
    id_error,
    organization_names,
    town_names,
)


class BeneficiaryResource(ModelSheetResource):
    name = "beneficiaries"
    label = _l("服务对象")
    model = Beneficiary
    key_header = "身份证号"
    related_attrs = ("categories",)
    export_related = ("town", "organization")
    export_prefetch = ("categories",)
    columns = (
        Column("姓名", "name", TextWidget(50), aliases=("name",), required=True, example="王秀英"),
        Column("性别", "gender", ChoiceWidget(Beneficiary.Gender), aliases=("gender", "sex"), example="女"),
        Column(
            "身份证号",
            "id_number",
            IdNumberWidget(),
            aliases=("id_number", "id number", "id"),
            required=True,
            example="330283195806150026",
        ),
        Column("联系电话", "phone", TextWidget(20), aliases=("phone",), example="13857420001"),
        Column(
            "所属镇街",
            "town",
            NameWidget(20),
            aliases=("town",),
            required=True,
            dropdown=town_names,
            example="锦屏街道",
        ),
        Column("村社区", "village", TextWidget(50), aliases=("village", "community"), required=True, example="东门村"),
        Column("住址", "address", TextWidget(200), aliases=("address",), example="锦屏街道东门村1号"),
        Column(
            "服务对象类别",
            "categories",
            MultiChoiceWidget(BeneficiaryCategory.Code),
            aliases=("categories", "category"),
            example="老妇女主任、高龄老人",
        ),
        Column(
            "重点关爱",
            "key_care",
            BooleanWidget(),
            aliases=("key_care", "key care"),
            dropdown=["是", "否"],
            example="是",
        ),
        Column("每月走访次数", "visit_cadence", IntegerWidget(), aliases=("visit_cadence", "cadence"), example=2),
        Column(
            "负责组织",
            "organization",
            NameWidget(100),
            aliases=("organization",),
            required=True,
            dropdown=organization_names,
            example="源为爱旗袍公益俱乐部",
        ),
    )

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {},
            ["name", "id_number", "phone", "village", "address", "key_care", "visit_cadence"],
            {"visit_cadence": 0},
        )
        try:
            attrs["birth_date"], gender = parse_id_number(values["id_number"])
        except ValidationError as exc:
            errors.append(("身份证号", id_error("身份证号", exc).reason))
        else:
            if values.get("gender") and values["gender"] != gender:
                errors.append(("性别", _("性别与身份证号不符。")))
            attrs["gender"] = gender
        if "name" in attrs:
            attrs["name_initials"] = name_initials(attrs["name"])
        for header, attr, getter in (
            ("所属镇街", "town_id", ctx.town_id),
            ("负责组织", "organization_id", ctx.organization_id),
        ):
            try:
                attrs[attr] = getter(values.get(attr[:-3]), header)
            except RowError as exc:
                errors.append((exc.header, exc.reason))
        if "categories" in values:
            ids = ctx.code_ids(BeneficiaryCategory)
            attrs["categories"] = frozenset(ids[code] for code in values["categories"] if code in ids)
        return attrs

    def validate(self, attrs, ctx):
        if attrs.get("key_care") and not attrs.get("visit_cadence"):
            raise RowError("每月走访次数", _("重点关爱对象的每月走访次数至少为1。"))
        if (attrs.get("visit_cadence") or 0) > 30:
            raise RowError("每月走访次数", _("每月走访次数不能超过30次。"))

    def key(self, attrs):
        return attrs["id_number"]

    def fetch_existing(self, keys, ctx):
        return {b.id_number: b for b in Beneficiary.objects.filter(id_number__in=keys)}

    def build(self, attrs, ctx):
        instance = super().build(attrs, ctx)
        if instance.key_care:
            instance.key_care_since = ctx.today
        return instance

    def check_existing(self, instance, attrs, ctx):
        if not ctx.may_write_for(instance.organization_id):
            raise RowError("身份证号", _("该身份证号的服务对象由其他组织负责，不能修改；如需转移请联系妇联工作人员。"))
        if attrs.get("key_care") and not instance.key_care and instance.key_care_since is None:
            attrs["key_care_since"] = ctx.today
