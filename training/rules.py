"""The rules of training sessions (培训活动) and attendance (参训记录), for every door: the page
form, the service and each import row.

Training session
* 培训名称: required, at most 100 characters; the same title on the same day by the same
  organization is one session (a second one is refused).
* 培训类别: one of the fixed categories.  主办组织, 所属镇街: required.
* 培训日期: required, not before 2000, at most a year ahead (a session may be entered before it
  takes place).
* 学时: 0 to 100 hours (``MAX_HOURS``).
* Who: staff for any organization; an organization's members for their own organizations.

Attendance
* 姓名: required, at most 50 characters.
* 身份证号 (GB 11643 checksum) or 联系电话 (the one phone rule): at least one, so that a person
  counts once (``person_key``: the ID number, else the phone's digits); one row per person
  per session.
* 出席 only once the session's day has come.
* A certificate (是否获证) needs attendance, a number and an issuing date (not in the future,
  not before the session).
* Who: staff and the members of the session's organization.

The duplicate checks read the database (one query); the rest is pure."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.rules import EARLIEST_RECORD_DATE, NON_FIELD, Errors, RuleSet, Values, merged, register
from organizations.access import Actor, Who
from organizations.validators import normalize_id_number, parse_id_number, phone_digits, phone_error

from .models import Attendance, TrainingSession

MAX_HOURS = Decimal("100")
MAX_DAYS_AHEAD = 365

SESSION_FIELDS = ("title", "category", "organization_id", "town_id", "date", "hours", "trainer", "description")
ATTENDANCE_FIELDS = (
    "session_id",
    "name",
    "id_number",
    "phone",
    "attended",
    "certificate_obtained",
    "certificate_number",
    "certificate_date",
)
PERSONAL_FIELDS = frozenset({"id_number", "phone"})


def person_key_for(*, id_number: str | None = "", phone: object = "") -> str:
    """One person counts once: the normalized ID number, or else the phone's digits."""
    return normalize_id_number(id_number) or phone_digits(phone)


# --- sessions -------------------------------------------------------------------------------


def session_fields_editable_by(actor: Who, session: TrainingSession | None = None) -> frozenset[str]:
    actor = Actor.of(actor)
    if session is None:
        allowed = actor.is_staff or bool(actor.member_org_ids)
    else:
        allowed = actor.acts_for(session.organization_id)
    return frozenset(SESSION_FIELDS) if allowed else frozenset()


def session_write_errors(values: Values, *, actor: Who, instance: TrainingSession | None = None) -> Errors:
    actor = Actor.of(actor)
    if instance is not None and not actor.acts_for(instance.organization_id):
        return {NON_FIELD: _("该培训由其他组织主办，您不能修改。")}
    organization_id = values.get("organization_id")
    moved = instance is None or organization_id != instance.organization_id
    if organization_id and moved and not actor.acts_for(organization_id):
        if instance is None:
            return {NON_FIELD: _("只能为您所在的组织登记培训。")}
        return {"organization": _("只能把培训交给您所在的组织主办。")}
    return {}


def check_session(
    values: Values, *, actor: Who, instance: TrainingSession | None = None, today: datetime.date | None = None
) -> Errors:
    """{field: message} for a training session's values (see the module docstring)."""
    today = today or timezone.localdate()
    record = merged(instance, values, SESSION_FIELDS)
    errors: Errors = {}
    title = (record.get("title") or "").strip()
    if not title:
        errors["title"] = _("请填写培训名称。")
    elif len(title) > 100:
        errors["title"] = _("培训名称最多100个字。")
    if record.get("category") not in TrainingSession.Category.values:
        errors["category"] = _("请选择培训类别。")
    if not record.get("organization_id"):
        errors["organization"] = _("请选择主办组织。")
    if not record.get("town_id"):
        errors["town"] = _("请选择所属镇街。")
    day = record.get("date")
    if not day:
        errors["date"] = _("请填写培训日期。")
    elif day < EARLIEST_RECORD_DATE:
        errors["date"] = _("培训日期过早，请核对年份。")
    elif day > today + datetime.timedelta(days=MAX_DAYS_AHEAD):
        errors["date"] = _("培训日期不能晚于一年以后，请核对年份。")
    hours = record.get("hours")
    if hours is not None and hours < 0:
        errors["hours"] = _("学时不能为负数。")
    elif hours is not None and hours > MAX_HOURS:
        errors["hours"] = _("学时不能超过100。")
    if title and day and record.get("organization_id") and "title" not in errors:
        same = TrainingSession.objects.filter(title=title, date=day, organization_id=record["organization_id"])
        if instance is not None and instance.pk:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            errors["title"] = _("本组织同一天已有同名培训，请勿重复登记。")
    for field, message in session_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


# --- attendance -----------------------------------------------------------------------------


def _session_of(
    values: Values, instance: Attendance | None = None, session: TrainingSession | None = None
) -> TrainingSession | None:
    if session is not None:
        return session
    if instance is not None:
        return instance.session
    pk = values.get("session_id")
    return TrainingSession.objects.filter(pk=pk).first() if pk else None


def attendance_fields_editable_by(
    actor: Who, attendance: Attendance | None = None, *, session: TrainingSession | None = None
) -> frozenset[str]:
    actor = Actor.of(actor)
    session = session or (attendance.session if attendance is not None else None)
    if session is not None and actor.acts_for(session.organization_id):
        return frozenset(ATTENDANCE_FIELDS) - ({"session_id"} if attendance is not None else set())
    return frozenset()


def attendance_write_errors(
    values: Values, *, actor: Who, instance: Attendance | None = None, session: TrainingSession | None = None
) -> Errors:
    actor = Actor.of(actor)
    session = _session_of(values, instance, session)
    if session is not None and not actor.acts_for(session.organization_id):
        return {NON_FIELD: _("该培训由其他组织主办，您不能修改学员名单。")}
    return {}


def check_attendance(
    values: Values,
    *,
    actor: Who,
    instance: Attendance | None = None,
    today: datetime.date | None = None,
    session: TrainingSession | None = None,
) -> Errors:
    """{field: message} for one participant of a session (see the module docstring).
    ``session``: the session, when the caller has it already; else read from
    ``values["session_id"]``."""
    today = today or timezone.localdate()
    record = merged(instance, values, ATTENDANCE_FIELDS)
    session = _session_of(values, instance, session)
    errors: Errors = {}
    if session is None:
        errors["session"] = _("未找到该培训。")
    name = (record.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写学员姓名。")
    elif len(name) > 50:
        errors["name"] = _("姓名最多50个字。")
    number = normalize_id_number(record.get("id_number"))
    if number:
        try:
            parse_id_number(number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
    message = phone_error(record.get("phone"))
    if message:
        errors["phone"] = message
    if not number and not phone_digits(record.get("phone")):
        errors["id_number"] = _("身份证号和联系电话至少填写一项，以便同一人只计一次。")
    attended = record.get("attended", True)
    if attended and session is not None and session.date > today:
        errors["attended"] = _("培训尚未举行，不能登记为已出席。")
    if record.get("certificate_obtained"):
        if not attended:
            errors["certificate_obtained"] = _("未出席的学员不能登记获证。")
        if not (record.get("certificate_number") or "").strip():
            errors["certificate_number"] = _("获证学员须填写证书编号。")
        issued = record.get("certificate_date")
        if not issued:
            errors["certificate_date"] = _("获证学员须填写发证日期。")
        elif issued > today:
            errors["certificate_date"] = _("发证日期不能晚于今天。")
        elif session is not None and issued < session.date:
            errors["certificate_date"] = _("发证日期不能早于培训日期。")
    elif (record.get("certificate_number") or "").strip():
        errors["certificate_obtained"] = _("填写了证书编号，“是否获证”应为“是”。")
    key = person_key_for(id_number=number, phone=record.get("phone") or "")
    if session is not None and key and "id_number" not in errors and "phone" not in errors:
        same = Attendance.objects.filter(session=session, person_key=key)
        if instance is not None and instance.pk:
            same = same.exclude(pk=instance.pk)
        if same.exists():
            errors["id_number" if number else "phone"] = _("该学员已在本次培训名单中。")
    for field, message in attendance_write_errors(values, actor=actor, instance=instance, session=session).items():
        errors.setdefault(field, message)
    return errors


TRAININGS = register(
    RuleSet(
        name="trainings",
        model=TrainingSession,
        check=check_session,
        write_errors=session_write_errors,
        fields_editable_by=session_fields_editable_by,
        fields=SESSION_FIELDS,
    )
)
ATTENDANCE = register(
    RuleSet(
        name="attendance",
        model=Attendance,
        check=check_attendance,
        write_errors=attendance_write_errors,
        fields_editable_by=attendance_fields_editable_by,
        fields=ATTENDANCE_FIELDS,
    )
)
