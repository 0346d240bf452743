"""服务对象: matched by ID number; birth date and gender come from it.

列入重点关爱日期 (key-care since) decides from which month a key-care person counts in the
key-care figures, so a year of past records imports right when it is given.  When it is
blank for a key-care person who has none yet, it is the person's earliest visit in the portal
or, failing that, the import date; the preview says which."""

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from beneficiaries.models import Beneficiary, BeneficiaryCategory, Visit
from beneficiaries.services import name_initials
from organizations.privacy import mask_address
from organizations.validators import parse_id_number

from .base import (
    BooleanWidget,
    ChoiceWidget,
    Column,
    DateWidget,
    IntegerWidget,
    ModelSheetResource,
    MultiChoiceWidget,
    NameWidget,
    RowError,
    TextWidget,
    id_error,
    id_number_column,
    organization_names,
    phone_column,
    sample_date,
    sample_organization,
    sample_town,
    town_names,
)

BY_FIRST_VISIT = "按最早走访日期"
BY_IMPORT_DATE = "按导入日期"


class BeneficiaryResource(ModelSheetResource):
    name = "beneficiaries"
    label = _l("服务对象")
    model = Beneficiary
    key_header = "身份证号"
    label_headers = ("姓名", "身份证号")
    related_attrs = ("categories",)
    related_models = {"categories": BeneficiaryCategory}
    defaults = {"key_care": False, "visit_cadence": 0}
    export_related = ("town", "organization")
    export_prefetch = ("categories",)
    columns = (
        Column("姓名", "name", TextWidget(50), aliases=("name",), required=True, example="王秀英"),
        Column("性别", "gender", ChoiceWidget(Beneficiary.Gender), aliases=("gender", "sex"), example="女"),
        id_number_column("330283195806150026", aliases=("id_number", "id number", "id"), required=True),
        phone_column("13857420001"),
        Column(
            "所属镇街",
            "town",
            NameWidget(20),
            aliases=("town",),
            required=True,
            dropdown=town_names,
            example=sample_town,
        ),
        Column("村社区", "village", TextWidget(50), aliases=("village", "community"), required=True, example="东门村"),
        Column("住址", "address", TextWidget(200), aliases=("address",), example="东门村1号", mask=mask_address),
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
            example=sample_organization,
        ),
        Column(
            "列入重点关爱日期",
            "key_care_since",
            DateWidget(),
            aliases=("key_care_since", "key care since"),
            example=sample_date,
            help_text=_l("重点关爱对象从哪天起列入；空着则按该人最早的走访日期，没有走访则按导入日期。"),
        ),
    )

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {},
            ["name", "id_number", "phone", "village", "address", "key_care", "visit_cadence", "key_care_since"],
        )
        if attrs.get("key_care_since") is None:
            attrs.pop("key_care_since", None)  # blank: decided by complete()
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

    def check(self, attrs, ctx, instance):
        values = self.effective(attrs, instance)
        errors = []
        if values["key_care"] and not values["visit_cadence"]:
            errors.append(("每月走访次数", _("重点关爱对象的每月走访次数至少为1。")))
        if (values["visit_cadence"] or 0) > 30:
            errors.append(("每月走访次数", _("每月走访次数不能超过30次。")))
        since = attrs.get("key_care_since")
        if since is not None:
            if not values["key_care"]:
                errors.append(("列入重点关爱日期", _("只有重点关爱对象才填写列入重点关爱日期。")))
            elif since > ctx.today:
                errors.append(("列入重点关爱日期", _("列入重点关爱日期不能晚于今天。")))
            elif since < attrs["birth_date"]:
                errors.append(("列入重点关爱日期", _("列入重点关爱日期不能早于出生日期。")))
        return errors

    def complete(self, attrs, ctx, instance):
        """A row marking a person key-care who has no key-care date yet gives one (see the
        module's docstring); a row leaving 重点关爱 blank changes nothing about it."""
        if not attrs.get("key_care") or "key_care_since" in attrs:
            return
        if instance is not None and instance.key_care_since is not None:
            return
        first = ctx.first_visits.get(instance.pk) if instance is not None else None
        if first is not None:
            attrs["key_care_since"] = first
            note = (BY_FIRST_VISIT, _("列入重点关爱日期按最早走访日期：%(d)s") % {"d": first.isoformat()})
        else:
            attrs["key_care_since"] = ctx.today
            note = (BY_IMPORT_DATE, _("列入重点关爱日期按导入日期：%(d)s") % {"d": ctx.today.isoformat()})
        attrs["_notes"] = [note]

    def key(self, attrs):
        return attrs["id_number"]

    def fetch_existing(self, keys, ctx):
        found = {b.id_number: b for b in Beneficiary.objects.filter(id_number__in=keys)}
        # The earliest visit of each person found who may become key-care without a date.
        undated = [b.pk for b in found.values() if b.key_care_since is None]
        ctx.first_visits = dict(
            Visit.objects.filter(beneficiary_id__in=undated)
            .values("beneficiary_id")
            .annotate(first=Min("visit_date"))
            .values_list("beneficiary_id", "first")
        )
        return found

    def permission(self, attrs, ctx, instance):
        if instance is not None and not ctx.may_write_for(instance.organization_id):
            return [("身份证号", _("该身份证号的服务对象由其他组织负责，不能修改；如需转移请联系妇联工作人员。"))]
        return []
