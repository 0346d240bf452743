"""Writes that enforce the rules about training sessions, attendance and certificates."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from beneficiaries.services import can_record_for
from organizations.validators import normalize_id_number, parse_id_number

from .models import Attendance, TrainingSession


def normalize_phone(value):
    """Digits only (a leading + kept out): "138 5742-0001" -> "13857420001"."""
    return re.sub(r"\D", "", value or "")


def person_key_for(*, id_number="", phone=""):
    """One person counts once: the normalized ID number, or else the phone's digits."""
    return normalize_id_number(id_number) or normalize_phone(phone)


@transaction.atomic
def session_save(*, session, actor):
    """Creates or updates a session.  Staff for any organization; organization users for their
    own.  The same title on the same day by the same organization is one session."""
    if not can_record_for(actor, session.organization_id):
        raise PermissionDenied
    if session.pk:
        previous_org = TrainingSession.objects.filter(pk=session.pk).values_list("organization_id", flat=True).first()
        if not can_record_for(actor, previous_org):
            raise PermissionDenied
    session.title = (session.title or "").strip()
    errors = {}
    if session.hours is not None and session.hours < 0:
        errors["hours"] = _("学时不能为负数。")
    duplicate = TrainingSession.objects.filter(
        title=session.title, date=session.date, organization=session.organization
    )
    if session.pk:
        duplicate = duplicate.exclude(pk=session.pk)
    if duplicate.exists():
        errors["title"] = _("本组织同一天已有同名培训，请勿重复登记。")
    if errors:
        raise ValidationError(errors)
    session.save()
    return session


def _check_attendance(attendance, today, errors):
    attendance.name = (attendance.name or "").strip()
    if not attendance.name:
        errors["name"] = _("请填写学员姓名。")
    attendance.id_number = normalize_id_number(attendance.id_number)
    attendance.phone = normalize_phone(attendance.phone)
    if attendance.id_number:
        try:
            parse_id_number(attendance.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages
    if attendance.phone and not 7 <= len(attendance.phone) <= 20:
        errors["phone"] = _("联系电话应为7到20位数字。")
    if not attendance.id_number and not attendance.phone:
        errors["id_number"] = _("身份证号和联系电话至少填写一项，以便同一人只计一次。")
    if attendance.certificate_obtained:
        if not attendance.attended:
            errors["certificate_obtained"] = _("未出席的学员不能登记获证。")
        if not attendance.certificate_number.strip():
            errors["certificate_number"] = _("获证学员须填写证书编号。")
        if not attendance.certificate_date:
            errors["certificate_date"] = _("获证学员须填写发证日期。")
        elif attendance.certificate_date > today:
            errors["certificate_date"] = _("发证日期不能晚于今天。")
    else:
        attendance.certificate_number = ""
        attendance.certificate_date = None


@transaction.atomic
def attendance_save(*, attendance, actor):
    """Adds or updates one participant of a session.  Identified by ID number (checked by its
    checksum) or else phone; one row per person per session; a certificate needs attendance,
    a number and an issuing date.  A participant whose ID number is a beneficiary the actor
    may see is linked to that beneficiary."""
    if not can_record_for(actor, attendance.session.organization_id):
        raise PermissionDenied
    errors: dict[str, object] = {}
    _check_attendance(attendance, timezone.localdate(), errors)
    if errors:
        raise ValidationError(errors)
    attendance.person_key = person_key_for(id_number=attendance.id_number, phone=attendance.phone)
    same = Attendance.objects.filter(session=attendance.session, person_key=attendance.person_key)
    if attendance.pk:
        same = same.exclude(pk=attendance.pk)
    if same.exists():
        field = "id_number" if attendance.id_number else "phone"
        raise ValidationError({field: _("该学员已在本次培训名单中。")})
    if attendance.id_number and not attendance.beneficiary_id:
        attendance.beneficiary = Beneficiary.objects.visible_to(actor).filter(id_number=attendance.id_number).first()
    attendance.save()
    return attendance


@transaction.atomic
def attendance_remove(*, attendance, actor):
    if not can_record_for(actor, attendance.session.organization_id):
        raise PermissionDenied
    attendance.delete()
