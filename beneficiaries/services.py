"""Writes that enforce the rules about beneficiaries and visits.  Messages are Chinese and name
the field; personal data is never logged."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from organizations.access import can_act_for, can_see_personal_data, is_member_of, is_staff
from organizations.audit import Action, Subject, record_access
from organizations.privacy import mask_address, mask_id_number, mask_phone
from organizations.validators import normalize_id_number, parse_id_number

from .models import Beneficiary, Visit

logger = logging.getLogger(__name__)

MINOR_AGE = 14
# The fields shown masked, with their masking function; one is revealed at a time.
REVEALABLE = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address}


class DuplicateIdNumber(ValidationError):
    """A second record with the same ID number; ``existing`` is the first one."""

    def __init__(self, message, existing):
        super().__init__(message)
        self.existing = existing


class PossibleDuplicate(ValidationError):
    """Same name, birth date and village as ``matches``; saved only once the user confirms."""

    def __init__(self, message, matches):
        super().__init__(message)
        self.matches = matches


def name_initials(name):
    """Lower-case pinyin initials of a name: 王秀英 -> "wxy"; other characters kept as they are."""
    return "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")).lower().replace(" ", "")[:50]


def can_record_for(user, organization_id):
    """Staff record for any organization; organization users for their own."""
    return can_act_for(user, organization_id)


def _derive_from_id_number(beneficiary, errors):
    try:
        birth, gender = parse_id_number(beneficiary.id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
        return
    if beneficiary.birth_date and beneficiary.birth_date != birth:
        errors["birth_date"] = _("出生日期与身份证号中的出生日期（%(d)s）不一致，请核对。") % {"d": birth.isoformat()}
    if beneficiary.gender and beneficiary.gender != gender:
        errors["gender"] = _("性别与身份证号不一致（身份证号第17位表示%(g)s）。") % {
            "g": Beneficiary.Gender(gender).label
        }
    beneficiary.birth_date = birth
    beneficiary.gender = gender


def _check_consent(beneficiary, today, errors):
    if not beneficiary.consent_date:
        errors["consent_date"] = _("请填写本人（或监护人）同意登记个人信息的日期。")
    elif beneficiary.consent_date > today:
        errors["consent_date"] = _("同意日期不能晚于今天。")
    if not beneficiary.consent_method:
        errors["consent_method"] = _("请选择同意方式。")
    if beneficiary.birth_date and beneficiary.age_on(today) < MINOR_AGE:
        # PIPL: all personal information of a child under 14 is sensitive; the guardian consents.
        if not beneficiary.guardian_name.strip():
            errors["guardian_name"] = _("未满14周岁的服务对象须填写监护人姓名。")
        if not beneficiary.guardian_consent_date:
            errors["guardian_consent_date"] = _("未满14周岁的服务对象须记录监护人同意日期。")
        elif beneficiary.guardian_consent_date > today:
            errors["guardian_consent_date"] = _("监护人同意日期不能晚于今天。")


def _check_key_care(beneficiary, today, errors):
    if beneficiary.key_care:
        if not beneficiary.visit_cadence or beneficiary.visit_cadence < 1:
            errors["visit_cadence"] = _("重点关爱对象须填写每月走访次数（至少1次）。")
        elif beneficiary.visit_cadence > 30:
            errors["visit_cadence"] = _("每月走访次数不能超过30次。")
        if not beneficiary.key_care_since:
            beneficiary.key_care_since = today
    if beneficiary.key_care_since and beneficiary.key_care_since > today:
        errors["key_care_since"] = _("列为重点关爱日期不能晚于今天。")


def beneficiary_subject(beneficiary):
    """The audit log's name for a beneficiary (``organizations.audit.Subject``)."""
    return Subject("beneficiary", beneficiary.pk, beneficiary.organization_id)


def beneficiary_save(*, beneficiary, actor, categories=None, confirm_similar=False):
    """Creates or updates a beneficiary (the instance holds the entered values).

    Rules: the ID number passes its GB 11643 checksum and gives the birth date and gender (a
    contradicting entry is refused); one person, one record (a second record with the same ID
    number is refused: ``DuplicateIdNumber``, and the attempt is written to the audit log, on
    the existing person's record, since typing a number is a way to learn whether someone is
    registered); the same name, birth date and village as another record the actor may see is
    saved only with ``confirm_similar`` (``PossibleDuplicate``; records the actor may not see
    are not offered, so the check cannot be used to probe other organizations' people); consent
    date and way are recorded, and for a person under 14 also the guardian's name and consent
    date; a key-care person has a cadence of at least one visit a month.  Staff may save for any
    organization, organization users only for their own."""
    try:
        return _beneficiary_save(
            beneficiary=beneficiary, actor=actor, categories=categories, confirm_similar=confirm_similar
        )
    except DuplicateIdNumber as exc:
        # Written after the save's transaction is rolled back, so the record stays.
        record_access(
            actor=actor,
            action=Action.DUPLICATE,
            subjects=[beneficiary_subject(exc.existing)],
            organization=exc.existing.organization_id,
            field="id_number",
        )
        raise


@transaction.atomic
def _beneficiary_save(*, beneficiary, actor, categories, confirm_similar):
    if not can_record_for(actor, beneficiary.organization_id):
        raise PermissionDenied
    if beneficiary.pk:
        previous_org = Beneficiary.objects.filter(pk=beneficiary.pk).values_list("organization_id", flat=True).first()
        if not can_record_for(actor, previous_org):
            raise PermissionDenied
    today = timezone.localdate()
    errors: dict[str, object] = {}
    beneficiary.id_number = normalize_id_number(beneficiary.id_number)
    beneficiary.name = (beneficiary.name or "").strip()
    beneficiary.phone = (beneficiary.phone or "").strip().replace(" ", "")
    _derive_from_id_number(beneficiary, errors)
    _check_consent(beneficiary, today, errors)
    _check_key_care(beneficiary, today, errors)
    if errors:
        raise ValidationError(errors)

    others = Beneficiary.objects.exclude(pk=beneficiary.pk) if beneficiary.pk else Beneficiary.objects.all()
    existing = others.filter(id_number=beneficiary.id_number).select_related("organization").first()
    if existing is not None:
        raise DuplicateIdNumber({"id_number": _("该身份证号已有服务对象记录，一人只能登记一次。")}, existing=existing)
    if not confirm_similar:
        matches = list(
            others.visible_to(actor).filter(
                name=beneficiary.name, birth_date=beneficiary.birth_date, village=beneficiary.village
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

    beneficiary.name_initials = name_initials(beneficiary.name)
    if not beneficiary.key_care:
        beneficiary.visit_cadence = 0
    beneficiary.save()
    if categories is not None:
        beneficiary.categories.set(categories)
    logger.info("beneficiary %s saved by user %s", beneficiary.pk, actor.pk)
    return beneficiary


@transaction.atomic
def beneficiary_deactivate(*, beneficiary, actor, reason):
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
    beneficiary.save(update_fields=["active", "deactivated_on", "deactivation_reason", "updated_at"])
    return beneficiary


@transaction.atomic
def beneficiary_reactivate(*, beneficiary, actor):
    """Puts a deactivated person back on the register (for example after moving back), keeping
    the earlier visits.  Staff and the responsible organization's admins."""
    if not Beneficiary.objects.manageable_by(actor).filter(pk=beneficiary.pk).exists():
        raise PermissionDenied
    if beneficiary.active:
        raise ValidationError(_("该服务对象在册，无需恢复。"))
    beneficiary.active = True
    beneficiary.deactivated_on = None
    beneficiary.deactivation_reason = ""
    beneficiary.save(update_fields=["active", "deactivated_on", "deactivation_reason", "updated_at"])
    return beneficiary


@transaction.atomic
def personal_data_reveal(*, beneficiary, field, actor):
    """Returns the full value of one masked field of one record and writes who saw it, when.
    Staff and members of the responsible organization only; leaders never."""
    if field not in REVEALABLE:
        raise ValidationError(_("不支持查看该字段。"))
    if not can_see_personal_data(actor, beneficiary.organization_id):
        raise PermissionDenied
    record_access(
        actor=actor,
        action=Action.REVEAL,
        subjects=[beneficiary_subject(beneficiary)],
        organization=beneficiary.organization_id,
        field=field,
    )
    return getattr(beneficiary, field)


def visit_organizations_for(user):
    """The organizations a user may record a visit for: staff all active ones, others their own."""
    from organizations.models import Organization

    return Organization.objects.recordable_by(user)


@transaction.atomic
def visit_create(
    *,
    beneficiary,
    actor,
    visit_date,
    mode,
    organization=None,
    services=(),
    supplies_value=0,
    visitors="",
    follow_up_needed=False,
    notes="",
):
    """Records a visit.  Refused: a date in the future, a negative supplies value, a visit by an
    organization user to a beneficiary not in the care of their organization.  Staff may record
    any visit and name the visiting organization; for an organization user the visiting
    organization is the beneficiary's responsible organization."""
    if is_staff(actor):
        if organization is None:
            raise ValidationError({"organization": _("请选择走访组织。")})
    else:
        if not is_member_of(actor, beneficiary.organization_id):
            raise ValidationError({"beneficiary": _("该服务对象不由您所在的组织负责，不能登记走访。")})
        organization = beneficiary.organization
    errors = {}
    today = timezone.localdate()
    if visit_date is None:
        errors["visit_date"] = _("请填写走访日期。")
    elif visit_date > today:
        errors["visit_date"] = _("走访日期不能晚于今天。")
    if supplies_value is None:
        supplies_value = 0
    if supplies_value < 0:
        errors["supplies_value"] = _("物资价值不能为负数。")
    if not beneficiary.active:
        errors["beneficiary"] = _("该服务对象已停用，不能登记走访。")
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.create(
        beneficiary=beneficiary,
        organization=organization,
        visit_date=visit_date,
        mode=mode,
        supplies_value=supplies_value,
        visitors=(visitors or "").strip(),
        follow_up_needed=follow_up_needed,
        notes=notes or "",
        created_by=actor,
    )
    if services:
        visit.services.set(services)
    return visit
