"""Writes about training sessions, attendance and certificates.  The rules are in ``rules.py``
(shared with the page forms and the imports); each service takes keyword-only explicit
arguments, owns its transaction and checks those rules again."""

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from core.roles import AnyUser
from core.rules import Values, as_values, checked_update, merged, raise_errors, require_permission, save_values
from core.versioning import UNCHANGED, Unchanged, given
from organizations.access import can_act_for
from organizations.models import Organization, Town
from organizations.validators import clean_phone, normalize_id_number

from . import rules
from .models import Attendance, TrainingSession
from .rules import person_key_for as person_key_for  # kept importable from here


def _session_values(data: Mapping[str, Any]) -> Values:
    values = as_values(TrainingSession, data)
    for name in ("title", "trainer"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "hours" in values and values["hours"] is None:
        values["hours"] = 0
    return values


@transaction.atomic
def session_create(
    *,
    actor: AnyUser,
    organization: Organization,
    title: str,
    category: str,
    town: Town,
    date: datetime.date,
    hours: Decimal | int | None = 0,
    trainer: str = "",
    description: str = "",
) -> TrainingSession:
    """Records a session.  Staff for any organization; organization users for their own.  The
    same title on the same day by the same organization is one session."""
    values = _session_values(
        {
            "organization": organization,
            "title": title,
            "category": category,
            "town": town,
            "date": date,
            "hours": hours,
            "trainer": trainer,
            "description": description,
        }
    )
    require_permission(rules.session_write_errors(values, actor=actor))
    raise_errors(rules.check_session(values, actor=actor, today=timezone.localdate()))
    return save_values(TrainingSession(), values, actor=actor)


@transaction.atomic
def session_update(
    *,
    session: TrainingSession,
    actor: AnyUser,
    version: int | str | None,
    organization: Organization | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
    category: str | Unchanged = UNCHANGED,
    town: Town | Unchanged = UNCHANGED,
    date: datetime.date | Unchanged = UNCHANGED,
    hours: Decimal | int | None | Unchanged = UNCHANGED,
    trainer: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
) -> TrainingSession:
    """Changes a session from a form loaded at ``version`` (a stale save is refused with what
    changed since)."""
    values = _session_values(
        given(
            organization=organization,
            title=title,
            category=category,
            town=town,
            date=date,
            hours=hours,
            trainer=trainer,
            description=description,
        )
    )
    fresh = checked_update(
        session, version, values, ruleset=rules.TRAININGS, actor=actor, noun=_("培训"), today=timezone.localdate()
    )
    return save_values(fresh, values, actor=actor)


def _attendance_values(data: Mapping[str, Any]) -> Values:
    values = as_values(Attendance, data)
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
    if "id_number" in values:
        values["id_number"] = normalize_id_number(values["id_number"])
    if "phone" in values:
        values["phone"] = clean_phone(values["phone"])
    if "certificate_number" in values:
        values["certificate_number"] = (values["certificate_number"] or "").strip()
    return values


def _write_attendance(attendance: Attendance, values: Values, actor: AnyUser) -> Attendance:
    record = merged(attendance if attendance.pk else None, values, rules.ATTENDANCE_FIELDS)
    if not record.get("certificate_obtained"):
        values["certificate_date"] = None
    values["person_key"] = rules.person_key_for(id_number=record.get("id_number"), phone=record.get("phone"))
    if record.get("id_number") and not attendance.beneficiary_id and actor is not None:
        # Linked to a beneficiary the actor may see, by ID number.
        values["beneficiary"] = Beneficiary.objects.visible_to(actor).filter(id_number=record["id_number"]).first()
    return save_values(attendance, values, actor=actor)


@transaction.atomic
def attendance_add(
    *,
    session: TrainingSession,
    actor: AnyUser,
    name: str,
    id_number: str = "",
    phone: str = "",
    attended: bool = True,
    certificate_obtained: bool = False,
    certificate_number: str = "",
    certificate_date: datetime.date | None = None,
) -> Attendance:
    """Adds one participant to a session.  Identified by ID number (checked by its checksum) or
    else phone; one row per person per session; a certificate needs attendance, a number and
    an issuing date.  A participant whose ID number is a beneficiary the actor may see is
    linked to that beneficiary."""
    values = _attendance_values(
        {
            "name": name,
            "id_number": id_number,
            "phone": phone,
            "attended": attended,
            "certificate_obtained": certificate_obtained,
            "certificate_number": certificate_number,
            "certificate_date": certificate_date,
        }
    )
    values["session_id"] = session.pk
    require_permission(rules.attendance_write_errors(values, actor=actor, session=session))
    raise_errors(rules.check_attendance(values, actor=actor, session=session, today=timezone.localdate()))
    return _write_attendance(Attendance(session=session), values, actor)


@transaction.atomic
def attendance_update(
    *,
    attendance: Attendance,
    actor: AnyUser,
    version: int | str | None,
    name: str | Unchanged = UNCHANGED,
    id_number: str | Unchanged = UNCHANGED,
    phone: str | Unchanged = UNCHANGED,
    attended: bool | Unchanged = UNCHANGED,
    certificate_obtained: bool | Unchanged = UNCHANGED,
    certificate_number: str | Unchanged = UNCHANGED,
    certificate_date: datetime.date | None | Unchanged = UNCHANGED,
) -> Attendance:
    """Changes one participant (attendance, certificate) from a form loaded at ``version``."""
    values = _attendance_values(
        given(
            name=name,
            id_number=id_number,
            phone=phone,
            attended=attended,
            certificate_obtained=certificate_obtained,
            certificate_number=certificate_number,
            certificate_date=certificate_date,
        )
    )
    fresh = checked_update(
        attendance,
        version,
        values,
        ruleset=rules.ATTENDANCE,
        actor=actor,
        noun=_("学员记录"),
        hidden=rules.PERSONAL_FIELDS,
        queryset=Attendance.objects.select_related("session"),
        today=timezone.localdate(),
    )
    return _write_attendance(fresh, values, actor)


@transaction.atomic
def attendance_remove(*, attendance: Attendance, actor: AnyUser) -> None:
    if not can_act_for(actor, attendance.session.organization_id):
        raise PermissionDenied
    attendance.delete()
