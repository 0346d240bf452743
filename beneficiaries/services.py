"""Writes about beneficiaries and visits.  The rules themselves are in ``rules.py`` (shared
with the page forms and the imports); each service here takes keyword-only explicit arguments,
owns its transaction and checks those rules again.  Messages are Chinese and name the field;
personal data is never logged."""

import datetime
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from accounts.models import User
from core.roles import AnyUser
from core.rules import Values, as_values, changed, checked_update, merged, raise_errors, require_permission, save_values
from core.versioning import UNCHANGED, Unchanged, bump, given
from organizations.audit import Action, Subject, record_access
from organizations.models import Organization, Town
from organizations.privacy import mask_address, mask_id_number, mask_phone
from organizations.validators import clean_phone, normalize_id_number

from . import rules
from .models import Beneficiary, BeneficiaryCategory, Visit, VisitService

logger = logging.getLogger(__name__)
_Service = TypeVar("_Service", bound=Callable[..., Any])
# The fields shown masked, with their masking function; one is revealed at a time.
REVEALABLE = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


class DuplicateIdNumber(ValidationError):
    """A second record with the same ID number; ``existing`` is the first one."""

    def __init__(self, message: dict[str, str], existing: Beneficiary) -> None:
        super().__init__(message)
        self.existing = existing


class PossibleDuplicate(ValidationError):
    """Same name, birth date and village as ``matches``; saved only once the user confirms."""

    def __init__(self, message: dict[str, str], matches: list[Beneficiary]) -> None:
        super().__init__(message)
        self.matches = matches


class PossibleDuplicateVisit(ValidationError):
    """The same person, organization, date and mode as a visit on record; saved only once the
    user confirms (``confirm_duplicate``)."""


def name_initials(name: str | None) -> str:
    """Lower-case pinyin initials of a name: 王秀英 -> "wxy"; other characters kept as they are."""
    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")[:50]


# --- beneficiaries --------------------------------------------------------------------------


def _normalized(values: Values) -> Values:
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    if "id_number" in values:
        values["id_number"] = normalize_id_number(values["id_number"])
    if "phone" in values:
        values["phone"] = clean_phone(values["phone"])
    for name in ("village", "address", "guardian_name"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


def beneficiary_subject(beneficiary: Beneficiary) -> Subject:
    """The audit log's name for a beneficiary (``organizations.audit.Subject``)."""
    return Subject("beneficiary", beneficiary.pk, beneficiary.organization_id)


def _audit_duplicate_attempts(service: _Service) -> _Service:
    """A second registration of a registered ID number is written to the audit log, on the
    existing person's record, after the service's transaction is rolled back (typing a number is
    a way to learn whether someone is registered: staff can see who tried)."""

    @functools.wraps(service)
    def wrapper(*, actor: User, **kwargs: Any) -> Any:
        try:
            return service(actor=actor, **kwargs)
        except DuplicateIdNumber as exc:
            record_access(
                actor=actor,
                action=Action.DUPLICATE,
                subjects=[beneficiary_subject(exc.existing)],
                organization=exc.existing.organization_id,
                field="id_number",
            )
            raise

    return cast(_Service, wrapper)


def _check_duplicates(values: Values, instance: Beneficiary | None, confirm_similar: bool, actor: User) -> None:
    """One person, one record; and a warning for the same name, birth date and village as a
    record the actor may see (records the actor may not see are never offered, so the check
    cannot be used to probe other organizations' people)."""
    others = Beneficiary.objects.exclude(pk=instance.pk) if instance is not None else Beneficiary.objects.all()
    number = values.get("id_number")
    if number:
        existing = others.filter(id_number=number).select_related("organization").first()
        if existing is not None:
            raise DuplicateIdNumber(
                {"id_number": _("该身份证号已有服务对象记录，一人只能登记一次。")}, existing=existing
            )
    identity: Values = {name: values[name] for name in ("name", "id_number", "village") if name in values}
    if confirm_similar or (instance is not None and not changed(instance, identity)):
        return
    record = merged(instance, values, ("name", "birth_date", "village"))
    matches = list(
        others.visible_to(actor).filter(
            name=record["name"], birth_date=record["birth_date"], village=record["village"]
        )[:5]
    )
    if matches:
        raise PossibleDuplicate(
            {
                "confirm_similar": _(
                    "已有姓名、出生日期和村社区都相同的服务对象记录，可能是同一人。"
                    "如确认是不同的人，请勾选“确认不是同一人”后再保存。"
                )
            },
            matches=matches,
        )


def _write_beneficiary(instance: Beneficiary, values: Values, actor: User, today: datetime.date) -> Beneficiary:
    values.update(rules.identity_for(values))
    values.update(rules.key_care_for(values, instance=instance if instance.pk else None, today=today))
    values["name_initials"] = name_initials(values.get("name", instance.name))
    save_values(instance, values, actor=actor)
    logger.info("beneficiary %s saved by user %s", instance.pk, getattr(actor, "pk", None))
    return instance


@_audit_duplicate_attempts
@transaction.atomic
def beneficiary_create(
    *,
    actor: User,
    name: str,
    id_number: str,
    town: Town,
    village: str,
    organization: Organization,
    consent_date: datetime.date | None,
    consent_method: str,
    gender: str = "",
    birth_date: datetime.date | None = None,
    phone: str = "",
    address: str = "",
    categories: Iterable[BeneficiaryCategory | int] = (),
    key_care: bool = False,
    visit_cadence: int | None = 0,
    key_care_since: datetime.date | None = None,
    guardian_name: str = "",
    guardian_consent_date: datetime.date | None = None,
    confirm_similar: bool = False,
) -> Beneficiary:
    """Registers a person (rules: ``rules.check_beneficiary``).  One person, one record: a
    second record with the same ID number is refused (``DuplicateIdNumber``); the same name,
    birth date and village as another record is saved only with ``confirm_similar``
    (``PossibleDuplicate``).  Birth date and gender come from the ID number; a key-care person
    is listed from ``key_care_since`` (today when not given)."""
    values = _normalized(
        as_values(
            Beneficiary,
            {
                "name": name,
                "id_number": id_number,
                "gender": gender,
                "birth_date": birth_date,
                "phone": phone,
                "town": town,
                "village": village,
                "address": address,
                "categories": categories,
                "key_care": key_care,
                "visit_cadence": visit_cadence,
                "key_care_since": key_care_since,
                "organization": organization,
                "consent_date": consent_date,
                "consent_method": consent_method,
                "guardian_name": guardian_name,
                "guardian_consent_date": guardian_consent_date,
            },
        )
    )
    today = timezone.localdate()
    require_permission(rules.beneficiary_write_errors(values, actor=actor))
    raise_errors(rules.check_beneficiary(values, actor=actor, today=today))
    values.update(rules.identity_for(values))
    _check_duplicates(values, None, confirm_similar, actor)
    return _write_beneficiary(Beneficiary(), values, actor, today)


@_audit_duplicate_attempts
@transaction.atomic
def beneficiary_update(
    *,
    beneficiary: Beneficiary,
    actor: User,
    version: int | str | None,
    name: str | Unchanged = UNCHANGED,
    id_number: str | Unchanged = UNCHANGED,
    gender: str | Unchanged = UNCHANGED,
    birth_date: datetime.date | None | Unchanged = UNCHANGED,
    phone: str | Unchanged = UNCHANGED,
    town: Town | Unchanged = UNCHANGED,
    village: str | Unchanged = UNCHANGED,
    address: str | Unchanged = UNCHANGED,
    categories: Iterable[BeneficiaryCategory | int] | Unchanged = UNCHANGED,
    key_care: bool | Unchanged = UNCHANGED,
    visit_cadence: int | None | Unchanged = UNCHANGED,
    key_care_since: datetime.date | None | Unchanged = UNCHANGED,
    organization: Organization | Unchanged = UNCHANGED,
    consent_date: datetime.date | None | Unchanged = UNCHANGED,
    consent_method: str | Unchanged = UNCHANGED,
    guardian_name: str | Unchanged = UNCHANGED,
    guardian_consent_date: datetime.date | None | Unchanged = UNCHANGED,
    confirm_similar: bool = False,
) -> Beneficiary:
    """Changes a person's record from a form loaded at ``version``: a stale save is refused
    with what the other person changed (personal fields named, values hidden).  The same rules
    as ``beneficiary_create``; staff and members of the responsible organization."""
    values = _normalized(
        as_values(
            Beneficiary,
            given(
                name=name,
                id_number=id_number,
                gender=gender,
                birth_date=birth_date,
                phone=phone,
                town=town,
                village=village,
                address=address,
                categories=categories,
                key_care=key_care,
                visit_cadence=visit_cadence,
                key_care_since=key_care_since,
                organization=organization,
                consent_date=consent_date,
                consent_method=consent_method,
                guardian_name=guardian_name,
                guardian_consent_date=guardian_consent_date,
            ),
        )
    )
    today = timezone.localdate()
    fresh = checked_update(
        beneficiary,
        version,
        values,
        ruleset=rules.BENEFICIARIES,
        actor=actor,
        noun=_("服务对象"),
        hidden=rules.PERSONAL_FIELDS,
        today=today,
    )
    values.update(rules.identity_for(values))
    _check_duplicates(values, fresh, confirm_similar, actor)
    return _write_beneficiary(fresh, values, actor, today)


@transaction.atomic
def beneficiary_deactivate(*, beneficiary: Beneficiary, actor: User, reason: str) -> Beneficiary:
    """Takes a person off the register (never deleted: visits and history stay).  Staff and
    the responsible organization's admins."""
    if not Beneficiary.objects.manageable_by(actor).filter(pk=beneficiary.pk).exists():
        raise PermissionDenied
    if not beneficiary.active:
        raise ValidationError({"reason": _("该服务对象已停用。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写停用原因。")})
    beneficiary.active = False
    beneficiary.deactivated_on = timezone.localdate()
    beneficiary.deactivation_reason = reason.strip()
    bump(beneficiary)  # an edit form opened before is refused rather than putting the person back
    beneficiary._history_user = actor
    beneficiary.save(update_fields=["active", "deactivated_on", "deactivation_reason", "updated_at", "version"])
    return beneficiary


@transaction.atomic
def beneficiary_reactivate(*, beneficiary: Beneficiary, actor: User) -> Beneficiary:
    """Puts a deactivated person back on the register (for example after moving back), keeping
    the earlier visits.  Staff and the responsible organization's admins."""
    if not Beneficiary.objects.manageable_by(actor).filter(pk=beneficiary.pk).exists():
        raise PermissionDenied
    if beneficiary.active:
        raise ValidationError(_("该服务对象在册，无需恢复。"))
    beneficiary.active = True
    beneficiary.deactivated_on = None
    beneficiary.deactivation_reason = ""
    bump(beneficiary)
    beneficiary._history_user = actor
    beneficiary.save(update_fields=["active", "deactivated_on", "deactivation_reason", "updated_at", "version"])
    return beneficiary


@transaction.atomic
def personal_data_reveal(*, beneficiary: Beneficiary, field: str, actor: User) -> str:
    """Returns the full value of one masked field of one record and writes who saw it, when.
    Staff and members of the responsible organization, and of an organization holding an
    access grant in force (an accepted referral); leaders never."""
    if field not in REVEALABLE:
        raise ValidationError(_("不支持查看该字段。"))
    if not may_see_personal_data(actor, beneficiary):
        raise PermissionDenied
    record_access(
        actor=actor,
        action=Action.REVEAL,
        subjects=[beneficiary_subject(beneficiary)],
        organization=beneficiary.organization_id,
        field=field,
    )
    value: str = getattr(beneficiary, field)
    return value


def may_see_personal_data(user: AnyUser, beneficiary: Beneficiary) -> bool:
    """Whoever may see the record, by the one access rule (``visible_to``: staff, members of
    the responsible organization, members of an organization holding an access grant in force
    on this person); leaders never."""
    return Beneficiary.objects.visible_to(user).filter(pk=beneficiary.pk).exists()


# --- visits ---------------------------------------------------------------------------------


def _visit_values(data: Mapping[str, Any]) -> Values:
    values = as_values(Visit, data)
    if "supplies_value" in values and values["supplies_value"] is None:
        values["supplies_value"] = 0
    for name in ("visitors", "notes"):
        if name in values:
            values[name] = (values[name] or "").strip()
    return values


def _refuse_duplicate(values: Values, instance: Visit | None, confirm_duplicate: bool) -> None:
    if confirm_duplicate:
        return
    warning = rules.duplicate_visit_warning(values, instance=instance)
    if warning:
        raise PossibleDuplicateVisit({"confirm_duplicate": warning})


@transaction.atomic
def visit_create(
    *,
    beneficiary: Beneficiary,
    actor: User,
    visit_date: datetime.date,
    mode: str,
    organization: Organization | None = None,
    services: Iterable[VisitService | int] = (),
    supplies_value: Decimal | int | None = 0,
    visitors: str = "",
    follow_up_needed: bool = False,
    notes: str = "",
    confirm_duplicate: bool = False,
) -> Visit:
    """Records a visit (rules: ``rules.check_visit``).  Staff may record any visit and name the
    visiting organization; for an organization user the visiting organization is the person's
    responsible organization.  The same person, organization, date and mode as a visit on
    record is saved only with ``confirm_duplicate`` (``PossibleDuplicateVisit``)."""
    values = _visit_values(
        {
            "visit_date": visit_date,
            "mode": mode,
            "organization": organization,
            "services": services,
            "supplies_value": supplies_value,
            "visitors": visitors,
            "follow_up_needed": follow_up_needed,
            "notes": notes,
        }
    )
    values["beneficiary_id"] = beneficiary.pk
    values["organization_id"] = rules.visit_organization_for(actor, beneficiary, values.get("organization_id"))
    raise_errors(rules.check_visit(values, actor=actor, beneficiary=beneficiary, today=timezone.localdate()))
    _refuse_duplicate(values, None, confirm_duplicate)
    return save_values(Visit(created_by=actor), values, actor=actor)


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    actor: User,
    version: int | str | None,
    visit_date: datetime.date | Unchanged = UNCHANGED,
    mode: str | Unchanged = UNCHANGED,
    organization: Organization | Unchanged = UNCHANGED,
    services: Iterable[VisitService | int] | Unchanged = UNCHANGED,
    supplies_value: Decimal | int | None | Unchanged = UNCHANGED,
    visitors: str | Unchanged = UNCHANGED,
    follow_up_needed: bool | Unchanged = UNCHANGED,
    notes: str | Unchanged = UNCHANGED,
    confirm_duplicate: bool = False,
) -> Visit:
    """Corrects a visit from a form loaded at ``version`` (recorded in its history).  Staff at
    any time; the recorder or an admin of the visiting organization within 7 days of its
    recording (``rules.visit_change_error``)."""
    values = _visit_values(
        given(
            visit_date=visit_date,
            mode=mode,
            organization=organization,
            services=services,
            supplies_value=supplies_value,
            visitors=visitors,
            follow_up_needed=follow_up_needed,
            notes=notes,
        )
    )
    fresh = checked_update(
        visit,
        version,
        values,
        ruleset=rules.VISITS,
        actor=actor,
        noun=_("走访记录"),
        queryset=Visit.all_objects.select_related("beneficiary"),
        today=timezone.localdate(),
    )
    if {"visit_date", "mode", "organization_id"} & changed(fresh, values):
        _refuse_duplicate(merged(fresh, values, rules.VISIT_FIELDS), fresh, confirm_duplicate)
    return save_values(fresh, values, actor=actor)


@transaction.atomic
def visit_withdraw(*, visit: Visit, actor: User, version: int | str | None, reason: str | None) -> Visit:
    """Withdraws a visit entered by mistake: kept, with who withdrew it, when and why, but
    counted in no list or figure from then on.  The same people as ``visit_update``."""
    reason = (reason or "").strip()
    require_permission(rules.visit_write_errors({}, actor=actor, instance=visit))
    if not reason:
        raise ValidationError({"reason": _("请填写撤回原因。")})
    fresh = checked_update(visit, version, {}, ruleset=rules.VISITS, actor=actor, noun=_("走访记录"))
    return save_values(
        fresh, {"withdrawn_at": timezone.now(), "withdrawn_by": actor, "withdrawal_reason": reason[:200]}, actor=actor
    )
