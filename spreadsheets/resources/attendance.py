"""参训记录: matched by the training (title, date, organization) and the person (ID number,
or else phone: ``person_key``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from beneficiaries.models import Beneficiary
from training.models import Attendance, TrainingSession
from training.rules import person_key_for

from .base import (
    BooleanWidget,
    Column,
    DateWidget,
    ModelSheetResource,
    NameWidget,
    RowError,
    TextWidget,
    id_number_column,
    organization_names,
    phone_column,
    sample_date,
    sample_organization,
)


class AttendanceResource(ModelSheetResource):
    name = "attendance"
    label = _l("参训记录")
    model = Attendance
    key_header = "身份证号"
    label_headers = ("姓名", "培训名称")
    defaults = {"certificate_obtained": False}
    scope_attr = "session__organization_id"
    export_related = ("session__organization",)
    columns = (
        Column(
            "培训名称",
            "session__title",
            TextWidget(100),
            aliases=("training", "title"),
            required=True,
            example="母婴护理培训第1期",
        ),
        Column(
            "培训日期",
            "session__date",
            DateWidget(),
            aliases=("training_date", "date"),
            required=True,
            example=sample_date,
        ),
        Column(
            "主办组织",
            "session__organization",
            NameWidget(100),
            aliases=("organization",),
            required=True,
            dropdown=organization_names,
            example=sample_organization,
        ),
        Column("姓名", "name", TextWidget(50), aliases=("name",), required=True, example="李美华"),
        id_number_column("330283198502030029"),
        phone_column("13857420002"),
        Column(
            "是否获证",
            "certificate_obtained",
            BooleanWidget(),
            aliases=("certificate_obtained", "certificate"),
            dropdown=["是", "否"],
            example="是",
        ),
        Column(
            "证书编号",
            "certificate_number",
            TextWidget(50),
            aliases=("certificate_number",),
            example="YY-001",
            text=True,
        ),
        Column("发证日期", "certificate_date", DateWidget(), aliases=("certificate_date",), example=sample_date),
    )

    owner_header = "主办组织"
    field_headers = {"session": "培训名称", "attended": "培训日期"}
    not_rule_values = frozenset({"person_key"})

    def prepare(self, values, ctx, errors):
        attrs = self.pick(
            values, {}, ["name", "id_number", "phone", "certificate_obtained", "certificate_number", "certificate_date"]
        )
        try:
            organization_id = ctx.organization_id(values.get("session__organization"), "主办组织")
        except RowError as exc:
            errors.append((exc.header, exc.reason))
            organization_id = None
        attrs["_session"] = (values["session__title"], values["session__date"], organization_id)
        # The same key the training pages give, so a phone typed "138 5742-0001" is one person.
        attrs["person_key"] = person_key_for(id_number=attrs.get("id_number") or "", phone=attrs.get("phone") or "")
        return attrs

    def rule_values(self, attrs, ctx, instance):
        values = super().rule_values(attrs, ctx, instance)
        session = ctx.sessions.get(attrs["_session"])
        if instance is None and session is not None:
            values["session_id"] = session.pk
        return values

    def rule_context(self, attrs, ctx, instance):
        session = ctx.sessions.get(attrs["_session"])
        return {"session": session} if instance is None and session is not None else {}

    def permission(self, attrs, ctx, instance):
        if instance is None and attrs["_session"] not in ctx.sessions:
            # No such training, or another organization's: the same words for both.
            return [("培训名称", _("未找到该培训：培训名称、培训日期和主办组织须与已导入的培训活动一致。"))]
        return super().permission(attrs, ctx, instance)

    def key(self, attrs):
        return attrs["_session"] + (attrs["person_key"] or "",)

    def fetch_existing(self, keys, ctx):
        # Only the trainings the user may see: another organization's is answered as unknown.
        sessions = TrainingSession.objects.filter(
            title__in={k[0] for k in keys}, date__in={k[1] for k in keys}, organization_id__in={k[2] for k in keys}
        ).only("id", "title", "date", "organization_id")
        ctx.sessions = {(s.title, s.date, s.organization_id): s for s in sessions if not ctx.hidden(s.organization_id)}
        # A trainee is linked to a person on the register only when the user may see that
        # person; otherwise the row is kept by name and ID number, unlinked.
        numbers = {k[3] for k in keys if len(k[3]) == 18}
        people = Beneficiary.objects.filter(id_number__in=numbers).values_list("id_number", "id", "organization_id")
        ctx.people = {number: pk for number, pk, org in people if not ctx.hidden(org)}
        by_pk = {session.pk: key for key, session in ctx.sessions.items()}
        found = {}
        rows = Attendance.objects.filter(session_id__in=by_pk, person_key__in={k[3] for k in keys}).select_related(
            "session"
        )
        for attendance in rows:
            found[by_pk[attendance.session_id] + (attendance.person_key,)] = attendance
        return found

    def build(self, attrs, ctx):
        instance = super().build(attrs, ctx)
        instance.session_id = ctx.sessions[attrs["_session"]].pk
        instance.beneficiary_id = ctx.people.get(attrs.get("id_number") or "")
        return instance
