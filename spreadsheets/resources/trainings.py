"""培训活动: matched by title, date and organizing organization."""

from django.utils.translation import gettext_lazy as _l

from training.models import TrainingSession

from .base import (
    AmountWidget,
    ChoiceWidget,
    Column,
    DateWidget,
    ModelSheetResource,
    NameWidget,
    RowError,
    TextWidget,
    organization_names,
    sample_date,
    sample_organization,
    sample_town,
    town_names,
)


class TrainingResource(ModelSheetResource):
    name = "trainings"
    label = _l("培训活动")
    model = TrainingSession
    key_header = "培训名称"
    label_headers = ("培训名称", "培训日期")
    defaults = {"hours": 0}
    export_related = ("organization", "town")
    columns = (
        Column(
            "培训名称",
            "title",
            TextWidget(100),
            aliases=("title", "name", "training"),
            required=True,
            example="母婴护理培训第1期",
        ),
        Column(
            "培训类别",
            "category",
            ChoiceWidget(TrainingSession.Category),
            aliases=("category",),
            required=True,
            example="职业技能",
        ),
        Column(
            "主办组织",
            "organization",
            NameWidget(100),
            aliases=("organization",),
            required=True,
            dropdown=organization_names,
            example=sample_organization,
        ),
        Column(
            "所属镇街",
            "town",
            NameWidget(20),
            aliases=("town",),
            required=True,
            dropdown=town_names,
            example=sample_town,
        ),
        Column("培训日期", "date", DateWidget(), aliases=("date",), required=True, example=sample_date),
        Column("学时", "hours", AmountWidget(1, 5), aliases=("hours",), example=4),
        Column("培训老师", "trainer", TextWidget(50), aliases=("trainer",), example="张老师"),
    )

    owner_header = "主办组织"

    def prepare(self, values, ctx, errors):
        attrs = self.pick(values, {}, ["title", "category", "date", "hours", "trainer"])
        for header, attr, getter in (
            ("所属镇街", "town_id", ctx.town_id),
            ("主办组织", "organization_id", ctx.organization_id),
        ):
            try:
                attrs[attr] = getter(values.get(attr[:-3]), header)
            except RowError as exc:
                errors.append((exc.header, exc.reason))
        return attrs

    def key(self, attrs):
        return (attrs["title"], attrs["date"], attrs["organization_id"])

    def fetch_existing(self, keys, ctx):
        sessions = TrainingSession.objects.filter(
            title__in={k[0] for k in keys}, date__in={k[1] for k in keys}, organization_id__in={k[2] for k in keys}
        )
        return {(s.title, s.date, s.organization_id): s for s in sessions}
