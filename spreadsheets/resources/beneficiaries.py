"""服务对象: matched by ID number; birth date and gender come from it.

列入重点关爱日期 (key-care since) decides from which month a key-care person counts in the
key-care figures, so a year of past records imports right when it is given.  When it is
blank for a key-care person who has none yet, it is the person's earliest visit in the portal
or, failing that, the import date; the preview says which."""

from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from beneficiaries.models import Beneficiary, BeneficiaryCategory, Visit
from beneficiaries.rules import identity_for, key_care_for
from beneficiaries.services import name_initials
from organizations.privacy import mask_address

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
        # Consent (PIPL), as on the page: required for a new person; a child under 14 also
        # needs the guardian's name and the day the guardian consented.
        Column(
            "同意日期",
            "consent_date",
            DateWidget(),
            aliases=("consent_date", "consent date"),
            example=sample_date,
            help_text=_l("本人（或监护人）同意登记个人信息的日期；新登记的服务对象必填。"),
        ),
        Column(
            "同意方式",
            "consent_method",
            ChoiceWidget(Beneficiary.ConsentMethod),
            aliases=("consent_method", "consent method"),
            example="书面签字",
            help_text=_l("书面签字、口头同意或线上确认；新登记的服务对象必填。"),
        ),
        Column(
            "监护人姓名",
            "guardian_name",
            TextWidget(50),
            aliases=("guardian_name", "guardian"),
            example="",
            help_text=_l("未满14周岁的服务对象必填。"),
        ),
        Column(
            "监护人同意日期",
            "guardian_consent_date",
            DateWidget(),
            aliases=("guardian_consent_date", "guardian consent date"),
            example="",
            help_text=_l("未满14周岁的服务对象必填：监护人同意的日期。"),
        ),
    )

    owner_header = "负责组织"
    field_headers = {"birth_date": "身份证号"}
    not_rule_values = frozenset({"name_initials"})
    hidden_message = _l("该身份证号已有服务对象记录，一人只能登记一次。")  # the page's words

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values,
            {},
            [
                "name",
                "id_number",
                "phone",
                "village",
                "address",
                "key_care",
                "visit_cadence",
                "key_care_since",
                "consent_date",
                "consent_method",
                "guardian_name",
                "guardian_consent_date",
            ],
        )
        if attrs.get("key_care_since") is None:
            attrs.pop("key_care_since", None)  # blank: decided by complete()
        if values.get("gender"):
            attrs["gender"] = values["gender"]  # the rules compare it with the ID number
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

    def audit_entry(self, instance, organization_id):
        from beneficiaries.services import beneficiary_subject

        return {**super().audit_entry(instance, organization_id), "subjects": [beneficiary_subject(instance)]}

    def complete(self, attrs, ctx, instance):
        """What the rules derive: birth date and gender from the ID number
        (``identity_for``); the key-care cadence and date (``key_care_for``): a person who
        becomes key-care without a date is listed from the earliest visit in the portal, else
        the import date (the preview says which); a row leaving 重点关爱 blank changes nothing
        about it."""
        attrs.update(identity_for(attrs))
        if not {"key_care", "visit_cadence", "key_care_since"} & set(attrs):
            return
        already = instance is not None and instance.key_care and instance.key_care_since is not None
        first = ctx.first_visits.get(instance.pk) if instance is not None else None
        derived = key_care_for(attrs, instance=instance, today=ctx.today, default_since=first or ctx.today)
        if instance is not None and "key_care" not in attrs:
            derived.pop("key_care")
        if derived["key_care_since"] is not None and "key_care_since" not in attrs and not already:
            if first is not None:
                note = (BY_FIRST_VISIT, _("列入重点关爱日期按最早走访日期：%(d)s") % {"d": first.isoformat()})
            else:
                note = (BY_IMPORT_DATE, _("列入重点关爱日期按导入日期：%(d)s") % {"d": ctx.today.isoformat()})
            attrs["_notes"] = [note]
        attrs.update(derived)

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
