"""The rules of beneficiaries (服务对象) and visits (走访), for every door: the page form, the
service and each import row call these functions, so none of them is wider.

Beneficiary
* 姓名: required, at most 50 characters.
* 身份证号: required, 18 characters passing the GB 11643 checksum with a real birth date; it
  gives the birth date and the gender, and an entered birth date or gender contradicting it is
  refused.  One person, one record (checked by the service against the database).
* 联系电话: the one phone rule (``organizations.validators.phone_error``).
* 所属镇街, 村社区, 负责组织: required.
* Consent (PIPL): 同意日期 (not in the future) and 同意方式 are required; a person under 14 on
  the day of the check (``MINOR_AGE``) also needs 监护人姓名 and 监护人同意日期 (not in the future).
* Key care: a key-care person (重点关爱) is visited 1 to 30 times a month (每月走访次数).
  列为重点关爱日期 is kept as given (a past date is allowed, a future one is not, nor one before
  the birth date); a person who becomes key-care without a date is listed from
  ``default_since`` (today on the pages; the import passes the earliest visit or the import
  date, see ``default_key_care_since``); a person no longer key-care has neither cadence nor
  date.  This is written once, in ``key_care_for``.
* Who: staff for any organization; an organization's members for the people their
  organization is responsible for (and only to their own organizations).

Visit
* 走访日期: required, not in the future, not before 2000 nor before the person's birth date.
* 走访方式: one of the fixed modes.  物资价值: 0 to 100,000 yuan (``MAX_SUPPLIES_VALUE``).
* A new visit is for a person still on the register.
* Who records: staff for anyone, naming the visiting organization; an organization's members
  for the people in their organization's care, the visiting organization being the
  responsible one.
* Who corrects or withdraws (``visit_change_error``): staff at any time; the person who
  recorded it or an admin of the visiting organization within ``CORRECTION_DAYS`` (7) days of
  its recording.  A withdrawn visit is kept (with its history) but counted nowhere.
* Duplicates: the same person, organization, date and mode as a visit on record is a possible
  double entry (``duplicate_visit_warning``): the page asks for confirmation; an import may
  treat it as a row error or a warning (``duplicate_visit_keys`` answers for a chunk at once).
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple, TypeAlias

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import field_label
from core.rules import EARLIEST_RECORD_DATE, NON_FIELD, Errors, RuleSet, Values, changed, error_key, merged, register
from organizations.access import Actor, Who
from organizations.validators import normalize_id_number, parse_id_number, phone_error

from .models import Beneficiary, Visit, VisitQuerySet

MINOR_AGE = 14
MAX_CADENCE = 30
MAX_SUPPLIES_VALUE = Decimal("100000")
CORRECTION_DAYS = 7

BENEFICIARY_FIELDS = (
    "name",
    "gender",
    "id_number",
    "birth_date",
    "phone",
    "town_id",
    "village",
    "address",
    "categories",
    "key_care",
    "visit_cadence",
    "key_care_since",
    "organization_id",
    "consent_date",
    "consent_method",
    "guardian_name",
    "guardian_consent_date",
)
# Shown masked everywhere; a stale-edit message names them without their values.
PERSONAL_FIELDS = frozenset({"id_number", "phone", "address"})

VISIT_FIELDS = (
    "beneficiary_id",
    "organization_id",
    "visit_date",
    "mode",
    "services",
    "supplies_value",
    "visitors",
    "follow_up_needed",
    "notes",
)
# (beneficiary_id, organization_id, visit_date, mode): what makes two visits a possible double entry.
VisitKey: TypeAlias = tuple[int, int, datetime.date, str]


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- beneficiaries --------------------------------------------------------------------------


def beneficiary_fields_editable_by(actor: Who, beneficiary: Beneficiary | None = None) -> frozenset[str]:
    """Every field for staff and for the members of the responsible organization (a new
    record: for anyone who belongs to an organization); none for others."""
    actor = Actor.of(actor)
    if beneficiary is None:
        allowed = actor.is_staff or bool(actor.member_org_ids)
    else:
        allowed = actor.acts_for(beneficiary.organization_id)
    return frozenset(BENEFICIARY_FIELDS) if allowed else frozenset()


def beneficiary_write_errors(values: Values, *, actor: Who, instance: Beneficiary | None = None) -> Errors:
    actor = Actor.of(actor)
    if instance is not None and not actor.acts_for(instance.organization_id):
        return {NON_FIELD: _("该服务对象由其他组织负责，您不能修改；如需转移请联系妇联工作人员。")}
    organization_id = values.get("organization_id")
    moved = instance is None or organization_id != instance.organization_id
    if organization_id and moved and not actor.acts_for(organization_id):
        if instance is None:
            return {NON_FIELD: _("只能为您所在的组织登记服务对象。")}
        return {"organization": _("只能把服务对象交给您所在的组织负责。")}
    return {}


def check_beneficiary(
    values: Values, *, actor: Who, instance: Beneficiary | None = None, today: datetime.date | None = None
) -> Errors:
    """{field: message} for a beneficiary's values (see the module docstring)."""
    today = today or timezone.localdate()
    record = merged(instance, values, BENEFICIARY_FIELDS)
    errors: Errors = {}
    name = (record.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写姓名。")
    elif len(name) > 50:
        errors["name"] = _("姓名最多50个字。")
    birth = record.get("birth_date")
    number = normalize_id_number(record.get("id_number"))
    if not number:
        errors["id_number"] = _("请填写身份证号。")
    else:
        try:
            birth_from_id, gender = parse_id_number(number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
        else:
            if values.get("birth_date") and values["birth_date"] != birth_from_id:
                errors["birth_date"] = _("出生日期与身份证号中的出生日期（%(d)s）不一致，请核对。") % {
                    "d": birth_from_id.isoformat()
                }
            if values.get("gender") and values["gender"] != gender:
                errors["gender"] = _("性别与身份证号不一致（身份证号第17位表示%(g)s）。") % {
                    "g": Beneficiary.Gender(gender).label
                }
            birth = birth_from_id
    message = phone_error(record.get("phone"))
    if message:
        errors["phone"] = message
    if not record.get("town_id"):
        errors["town"] = _("请选择所属镇街。")
    if not (record.get("village") or "").strip():
        errors["village"] = _("请填写村社区。")
    if not record.get("organization_id"):
        errors["organization"] = _("请选择负责组织。")
    errors.update(consent_errors(record, birth, today))
    errors.update(_key_care_errors(record, birth, today))
    for field, message in beneficiary_write_errors(values, actor=actor, instance=instance).items():
        errors.setdefault(field, message)
    return errors


def consent_errors(
    record: Values, birth: datetime.date | None, today: datetime.date, *, missing: Mapping[str, str] | None = None
) -> Errors:
    """{field: message} when a consent is missing or wrong: the person's (date, how) and, for a
    child under 14, the guardian's (name, date).  Registering a person and referring one
    (``referrals.rules``) both ask it; ``missing`` words the messages for an absent
    ``consent_date``, ``guardian_name`` or ``guardian_consent_date`` for the purpose."""
    said = missing or {}
    errors: Errors = {}
    consent = record.get("consent_date")
    if not consent:
        errors["consent_date"] = said.get("consent_date") or _("请填写本人（或监护人）同意登记个人信息的日期。")
    elif consent > today:
        errors["consent_date"] = _("同意日期不能晚于今天。")
    method = record.get("consent_method")
    if not method or method not in Beneficiary.ConsentMethod.values:
        errors["consent_method"] = _("请选择同意方式。")
    if birth and age_on(birth, today) < MINOR_AGE:
        # PIPL: all personal information of a child under 14 is sensitive; the guardian consents.
        if not (record.get("guardian_name") or "").strip():
            errors["guardian_name"] = said.get("guardian_name") or _("未满14周岁的服务对象须填写监护人姓名。")
        guardian_date = record.get("guardian_consent_date")
        if not guardian_date:
            errors["guardian_consent_date"] = said.get("guardian_consent_date") or _(
                "未满14周岁的服务对象须记录监护人同意日期。"
            )
        elif guardian_date > today:
            errors["guardian_consent_date"] = _("监护人同意日期不能晚于今天。")
    return errors


def _key_care_errors(record: Values, birth: datetime.date | None, today: datetime.date) -> Errors:
    errors: Errors = {}
    if record.get("key_care"):
        cadence = record.get("visit_cadence")
        if not cadence or cadence < 1:
            errors["visit_cadence"] = _("重点关爱对象须填写每月走访次数（至少1次）。")
        elif cadence > MAX_CADENCE:
            errors["visit_cadence"] = _("每月走访次数不能超过30次。")
        since = record.get("key_care_since")
        if since and since > today:
            errors["key_care_since"] = _("列为重点关爱日期不能晚于今天。")
        elif since and birth and since < birth:
            errors["key_care_since"] = _("列为重点关爱日期不能早于出生日期。")
    return errors


def key_care_for(
    values: Values,
    *,
    instance: Beneficiary | None = None,
    today: datetime.date | None = None,
    default_since: datetime.date | None = None,
) -> Values:
    """{"key_care", "visit_cadence", "key_care_since"} to store (the one place this is decided).

    A key-care person keeps the given 列为重点关爱日期, else the stored one if they were already
    key-care, else ``default_since`` (default today): the day they became key-care.  A person
    who is not key-care has cadence 0 and no date, so that becoming key-care again later starts
    a new listing instead of reviving an old one."""
    today = today or timezone.localdate()
    key_care = values.get("key_care", instance.key_care if instance is not None else False)
    if not key_care:
        return {"key_care": False, "visit_cadence": 0, "key_care_since": None}
    since = values.get("key_care_since")
    if not since and instance is not None and instance.key_care:
        since = instance.key_care_since
    cadence = values.get("visit_cadence", instance.visit_cadence if instance is not None else 0)
    return {"key_care": True, "visit_cadence": cadence, "key_care_since": since or default_since or today}


def identity_for(values: Values) -> Values:
    """{"id_number", "birth_date", "gender"} derived from a valid ID number in ``values``
    (normalized number, its birth date and gender); {} when it has none or is invalid."""
    number = normalize_id_number(values.get("id_number"))
    if not number:
        return {}
    try:
        birth, gender = parse_id_number(number)
    except Exception:
        return {}
    return {"id_number": number, "birth_date": birth, "gender": gender}


class KeyCareStart(NamedTuple):
    date: datetime.date
    source: str  # "earliest_visit" or "today"

    @property
    def label(self) -> str:
        return _("最早走访日期") if self.source == "earliest_visit" else _("今天")


def default_key_care_since(
    beneficiary_or_id_number: Beneficiary | str | None, today: datetime.date | None = None
) -> KeyCareStart:
    """The day a key-care person with no 列为重点关爱日期 is listed from, for an import of past
    records: the person's earliest visit in the portal (withdrawn visits left out), or, when
    there is none (or the person is not registered yet), ``today`` (the import date).  Returns
    ``KeyCareStart(date, source)``, ``source`` saying which ("earliest_visit" or "today").  One
    query."""
    today = today or timezone.localdate()
    if isinstance(beneficiary_or_id_number, Beneficiary):
        visits = Visit.objects.filter(beneficiary=beneficiary_or_id_number) if beneficiary_or_id_number.pk else None
    else:
        number = normalize_id_number(beneficiary_or_id_number)
        visits = Visit.objects.filter(beneficiary__id_number=number) if number else None
    earliest = visits.aggregate(first=Min("visit_date"))["first"] if visits is not None else None
    if earliest and earliest <= today:
        return KeyCareStart(earliest, "earliest_visit")
    return KeyCareStart(today, "today")


# --- visits ---------------------------------------------------------------------------------


def _beneficiary_of(
    values: Values, instance: Visit | None = None, beneficiary: Beneficiary | None = None
) -> Beneficiary | None:
    if beneficiary is not None:
        return beneficiary
    if instance is not None:
        return instance.beneficiary
    pk = values.get("beneficiary_id")
    return Beneficiary.objects.filter(pk=pk).first() if pk else None


def visit_change_error(actor: Who, visit: Visit, *, now: datetime.datetime | None = None) -> str | None:
    """Why ``actor`` may not correct or withdraw ``visit``, or None when they may: staff at any
    time; the person who recorded it (still a member of the visiting organization) or an admin
    of the visiting organization within 7 days of its recording."""
    actor = Actor.of(actor)
    if actor.is_staff:
        return None
    if not actor.acts_for(visit.organization_id):
        return _("只能修改本组织的走访记录。")
    recorder = actor.user is not None and visit.created_by_id == actor.user.pk
    if not (recorder or actor.is_admin_of(visit.organization_id)):
        return _("只有登记人或本组织管理员可以修改或撤回这条走访记录。")
    now = now or timezone.now()
    # created_at is None on a visit not saved yet (auto_now_add), though its field is not nullable.
    if visit.created_at and now - visit.created_at > datetime.timedelta(days=CORRECTION_DAYS):  # type: ignore[truthy-bool]
        return _("这条走访记录登记已超过7天，只有妇联工作人员可以修改或撤回，请联系区妇联。")
    return None


def visit_fields_editable_by(
    actor: Who,
    visit: Visit | None = None,
    *,
    beneficiary: Beneficiary | None = None,
    now: datetime.datetime | None = None,
) -> frozenset[str]:
    """A new visit: staff every field; the members of the person's responsible organization
    all but the visiting organization (it is theirs).  A visit on record: those who may
    correct it (``visit_change_error``) all but the person visited (and, for organization
    users, the organization)."""
    actor = Actor.of(actor)
    fields = frozenset(VISIT_FIELDS)
    if visit is not None:
        if visit.withdrawn_at or visit_change_error(actor, visit, now=now):
            return frozenset()
        fields -= {"beneficiary_id"}
        return fields if actor.is_staff else fields - {"organization_id"}
    if actor.is_staff:
        return fields
    if beneficiary is not None and actor.acts_for(beneficiary.organization_id):
        return fields - {"organization_id"}
    return frozenset()


def visit_write_errors(
    values: Values,
    *,
    actor: Who,
    instance: Visit | None = None,
    beneficiary: Beneficiary | None = None,
    now: datetime.datetime | None = None,
) -> Errors:
    actor = Actor.of(actor)
    if instance is not None:
        if instance.withdrawn_at:
            return {NON_FIELD: _("这条走访记录已撤回，不能再修改。")}
        error = visit_change_error(actor, instance, now=now)
        if error:
            return {NON_FIELD: error}
        errors: Errors = {}
        editable = visit_fields_editable_by(actor, instance, now=now)
        for name in sorted(changed(instance, values) - editable):
            errors[error_key(name)] = _("“%(label)s”不能修改。") % {"label": field_label(Visit, error_key(name))}
        return errors
    beneficiary = _beneficiary_of(values, beneficiary=beneficiary)
    if beneficiary is None or actor.is_staff:
        return {}
    if not actor.acts_for(beneficiary.organization_id):
        return {"beneficiary": _("该服务对象不由您所在的组织负责，不能登记走访。")}
    organization_id = values.get("organization_id")
    if organization_id and organization_id != beneficiary.organization_id:
        return {"organization": _("组织用户只能以服务对象的负责组织的名义登记走访。")}
    return {}


def visit_organization_for(actor: Who, beneficiary: Beneficiary, organization_id: int | None = None) -> int | None:
    """The visiting organization of a new visit: the one staff name; for an organization user
    the person's responsible organization."""
    return organization_id if Actor.of(actor).is_staff else beneficiary.organization_id


def check_visit(
    values: Values,
    *,
    actor: Who,
    instance: Visit | None = None,
    today: datetime.date | None = None,
    beneficiary: Beneficiary | None = None,
) -> Errors:
    """{field: message} for a visit's values (see the module docstring).  ``beneficiary``: the
    person visited, when the caller has it already (an import loads a chunk's people at once);
    else it is read from ``values["beneficiary_id"]``."""
    today = today or timezone.localdate()
    actor = Actor.of(actor)
    record = merged(instance, values, VISIT_FIELDS)
    person = _beneficiary_of(values, instance, beneficiary)
    errors: Errors = {}
    if person is None:
        errors["beneficiary"] = _("请选择服务对象。")
    elif instance is None and not person.active:
        errors["beneficiary"] = _("该服务对象已停用，不能登记走访。")
    day = record.get("visit_date")
    if not day:
        errors["visit_date"] = _("请填写走访日期。")
    elif day > today:
        errors["visit_date"] = _("走访日期不能晚于今天。")
    elif day < EARLIEST_RECORD_DATE:
        errors["visit_date"] = _("走访日期过早，请核对年份。")
    elif person is not None and day < person.birth_date:
        errors["visit_date"] = _("走访日期早于服务对象的出生日期，请核对。")
    if record.get("mode") not in Visit.Mode.values:
        errors["mode"] = _("请选择走访方式。")
    value = record.get("supplies_value")
    if value is not None and value < 0:
        errors["supplies_value"] = _("物资价值不能为负数。")
    elif value is not None and value > MAX_SUPPLIES_VALUE:
        errors["supplies_value"] = _("物资价值不能超过10万元，请核对金额。")
    if actor.is_staff and not record.get("organization_id"):
        errors["organization"] = _("请选择走访组织。")
    for field, message in visit_write_errors(values, actor=actor, instance=instance, beneficiary=person).items():
        errors.setdefault(field, message)
    return errors


def duplicate_visits(values: Values, *, instance: Visit | None = None) -> VisitQuerySet:
    """Visits on record (not withdrawn) of the same person, organization, date and mode."""
    found: VisitQuerySet = Visit.objects.filter(
        beneficiary_id=values.get("beneficiary_id"),
        organization_id=values.get("organization_id"),
        visit_date=values.get("visit_date"),
        mode=values.get("mode"),
    )
    return found.exclude(pk=instance.pk) if instance is not None and instance.pk else found


def duplicate_visit_warning(values: Values, *, instance: Visit | None = None) -> str | None:
    """The warning for a possible double entry, or None.  One query."""
    existing = duplicate_visits(values, instance=instance).select_related("organization", "created_by").first()
    if existing is None:
        return None
    recorder = getattr(existing.created_by, "full_name", "") or _("他人")
    return _(
        "%(date)s已有%(org)s对该服务对象的“%(mode)s”走访记录（%(who)s登记），可能是重复登记。"
        "如确认是另一次走访，请勾选“确认不是重复登记”后再保存。"
    ) % {
        "date": existing.visit_date.isoformat(),
        "org": existing.organization.name,
        "mode": existing.get_mode_display(),
        "who": recorder,
    }


def duplicate_visit_keys(keys: Iterable[VisitKey]) -> set[VisitKey]:
    """Of ``keys`` = [(beneficiary_id, organization_id, visit_date, mode)], those already on
    record (not withdrawn), as a set: one query for a whole chunk of an import."""
    keys = set(keys)
    if not keys:
        return set()
    rows = Visit.objects.filter(
        beneficiary_id__in={k[0] for k in keys}, visit_date__in={k[2] for k in keys}
    ).values_list("beneficiary_id", "organization_id", "visit_date", "mode")
    return {row for row in rows if row in keys}


BENEFICIARIES = register(
    RuleSet(
        name="beneficiaries",
        model=Beneficiary,
        check=check_beneficiary,
        write_errors=beneficiary_write_errors,
        fields_editable_by=beneficiary_fields_editable_by,
        fields=BENEFICIARY_FIELDS,
    )
)
VISITS = register(
    RuleSet(
        name="visits",
        model=Visit,
        check=check_visit,
        write_errors=visit_write_errors,
        fields_editable_by=visit_fields_editable_by,
        fields=VISIT_FIELDS,
    )
)
