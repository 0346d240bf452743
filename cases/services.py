"""Writes about mediation cases.  The workflow table lives in ``workflow.py``; every status
change goes through ``case_transition`` or ``case_reopen`` here and leaves a timeline entry."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.files import delete_attachment_file, store_attachment
from core.roles import AnyUser
from core.rules import as_values, checked_update, raise_errors, require_permission, save_values
from core.versioning import UNCHANGED, Unchanged, given
from organizations.access import Actor, Who, can_see_personal_data, is_staff
from organizations.audit import Action, Subject, record_access
from organizations.models import Organization
from organizations.privacy import mask_phone
from organizations.validators import clean_phone, normalize_id_number

from . import rules, workflow
from .models import CaseAttachment, CaseEvent, CaseNumberSequence, CaseParty, MediationCase
from .notifications import notify_case_reopened

# The parties' fields shown masked on the case page, with their masking function; one is
# revealed at a time, like a beneficiary's (parties have no ID number field).
PARTY_REVEALABLE = {"phone": mask_phone}


def _require_worker(user: Who, case: MediationCase) -> None:
    """Staff and members of the handling organization record and change a case (``user``: a
    user, or an Actor: an import's)."""
    if not Actor.of(user).acts_for(case.organization_id):
        raise PermissionDenied


@transaction.atomic
def next_case_number(*, year: int) -> str:
    """The next number of ``year`` (TJ-YYYY-NNNN).  The year's counter row is created if
    missing (get_or_create copes with two creators racing on the primary key) and then locked
    with SELECT ... FOR UPDATE, so two cases opened at once wait for each other and never get
    the same number.  Call it inside the transaction that saves the case."""
    CaseNumberSequence.objects.get_or_create(year=year)
    sequence = CaseNumberSequence.objects.select_for_update().get(year=year)
    while True:
        sequence.last += 1
        number = f"TJ-{year}-{sequence.last:04d}"
        # A number may already be taken by a case imported from a sheet with its own number.
        if not MediationCase.objects.filter(number=number).exists():
            break
    sequence.save(update_fields=["last"])
    return number


@transaction.atomic
def case_create(
    *,
    organization: Organization,
    actor: User,
    category: str,
    received_date: datetime.date,
    source: str = MediationCase.Source.WALK_IN,
    summary: str = "",
    applicant_name: str = "",
    applicant_phone: str = "",
    respondent_names: str = "",
    respondent_phone: str = "",
) -> MediationCase:
    """Opens a case (status 受理) with a number from ``next_case_number`` and its parties.
    Staff may open a case for any active organization, members for their own (rules:
    ``rules.check_case`` and ``rules.check_party``)."""
    values = as_values(
        MediationCase,
        {
            "organization": organization,
            "category": category,
            "source": source,
            "received_date": received_date,
            "summary": summary,
        },
    )
    require_permission(rules.case_write_errors(values, actor=actor))
    errors = rules.check_case(values, actor=actor)
    errors.update(
        rules.opening_party_errors(
            actor=actor,
            applicant_name=applicant_name,
            applicant_phone=applicant_phone,
            respondent_names=respondent_names,
            respondent_phone=respondent_phone,
        )
    )
    raise_errors(errors)
    case = MediationCase(
        number=next_case_number(year=received_date.year),
        organization=organization,
        category=category,
        source=source,
        received_date=received_date,
        summary=summary,
        created_by=actor,
    )
    case._history_user = actor
    case.full_clean(exclude=["number"])
    case.save()
    if applicant_name.strip():
        CaseParty.objects.create(
            case=case, role=CaseParty.Role.APPLICANT, name=applicant_name.strip(), phone=clean_phone(applicant_phone)
        )
    for name in rules.split_names(respondent_names):
        CaseParty.objects.create(
            case=case, role=CaseParty.Role.RESPONDENT, name=name, phone=clean_phone(respondent_phone)
        )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.STATUS,
        at=timezone.now(),
        author=actor,
        text=_("受理案件 %(number)s") % {"number": case.number},
    )
    return case


@transaction.atomic
def case_update(
    *,
    case: MediationCase,
    version: int | str | None,
    actor: AnyUser,
    category: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    received_date: datetime.date | Unchanged = UNCHANGED,
    summary: str | Unchanged = UNCHANGED,
) -> MediationCase:
    """Saves an edit made on a form that was loaded at ``version`` (core.versioning): when
    another person saved (or the status changed) in between, the edit is refused with what
    they changed, and nothing is overwritten.  The status changes only through
    ``case_transition``/``case_reopen``."""
    values = given(category=category, source=source, received_date=received_date, summary=summary)
    _require_worker(actor, case)
    fresh = checked_update(case, version, values, ruleset=rules.CASES, actor=actor, noun=_("案件"))
    return save_values(fresh, values, actor=actor)


def _lock(case: MediationCase) -> MediationCase:
    return MediationCase.objects.select_for_update().get(pk=case.pk)


@transaction.atomic
def case_transition(
    *,
    case: MediationCase,
    to_status: str,
    actor: User | Actor,
    closed_date: datetime.date | None = None,
    outcome: str | None = "",
    note: str | None = "",
) -> MediationCase:
    """Moves a case along the workflow table (see workflow.py).  Closing (调解成功, 调解失败,
    转介) needs a closing date between the received date and today and an outcome; withdrawing
    needs a reason and keeps the date it ended when one is given.  Writes a 状态变更 timeline entry and bumps the version, so that an edit
    form opened before the change is refused."""
    _require_worker(actor, case)
    actor = actor.user if isinstance(actor, Actor) else actor  # the author of the entry
    locked = _lock(case)
    outcome = (outcome or "").strip()
    note = (note or "").strip()
    raise_errors(
        rules.transition_errors(case=locked, to_status=to_status, closed_date=closed_date, outcome=outcome, note=note)
    )
    before = locked.get_status_display()
    locked.status = to_status
    if to_status in workflow.CLOSING:
        locked.closed_date = closed_date
        locked.outcome = outcome
    elif to_status == MediationCase.Status.WITHDRAWN:
        # The day the case ended, when given: the statistics count it open until then.
        locked.closed_date = closed_date
    locked.version += 1  # the row is locked: a plain increment is safe
    locked._history_user = actor
    locked.save()
    text = _("状态：%(a)s → %(b)s") % {"a": before, "b": locked.get_status_display()}
    details = [d for d in (outcome if to_status in workflow.CLOSING else "", note) if d]
    if details:
        text += "。" + "；".join(details)
    CaseEvent.objects.create(case=locked, kind=CaseEvent.Kind.STATUS, at=timezone.now(), author=actor, text=text)
    return locked


@transaction.atomic
def case_reopen(*, case: MediationCase, actor: User, reason: str | None) -> MediationCase:
    """Staff reopen an ended case with a reason: back to 调解中, closing date and outcome
    cleared, the reason kept on the timeline; the organization's admins are told by email."""
    if not is_staff(actor):
        raise PermissionDenied
    locked = _lock(case)
    if not workflow.can_reopen(locked.status):
        raise ValidationError(
            {"status": _("只有已结束的案件可以重新打开，本案状态为“%(s)s”。") % {"s": locked.get_status_display()}}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("重新打开案件需要填写原因。")})
    before = locked.get_status_display()
    locked.status = MediationCase.Status.MEDIATING
    locked.closed_date = None
    locked.outcome = ""
    locked.version += 1  # the row is locked: a plain increment is safe
    locked._history_user = actor
    locked.save()
    CaseEvent.objects.create(
        case=locked,
        kind=CaseEvent.Kind.STATUS,
        at=timezone.now(),
        author=actor,
        text=_("重新打开：%(a)s → %(b)s。原因：%(r)s") % {"a": before, "b": locked.get_status_display(), "r": reason},
    )
    notify_case_reopened(locked)
    return locked


@transaction.atomic
def event_add(*, case: MediationCase, actor: User, kind: str, at: datetime.datetime, text: str) -> CaseEvent:
    """Adds a timeline entry (session, call, home visit, note); status entries come only from
    the workflow."""
    _require_worker(actor, case)
    if kind == CaseEvent.Kind.STATUS or kind not in CaseEvent.Kind.values:
        raise ValidationError({"kind": _("请选择记录类型。")})
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"at": _("记录时间不能晚于现在。")})
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写记录内容。")})
    return CaseEvent.objects.create(case=case, kind=kind, at=at, author=actor, text=text.strip())


@transaction.atomic
def party_add(
    *, case: MediationCase, actor: User, role: str, name: str, phone: str = "", beneficiary_id_number: str | None = ""
) -> CaseParty:
    """Adds a party; the optional link to a beneficiary is by ID number and only to a
    beneficiary the actor may see."""
    from beneficiaries.models import Beneficiary

    require_permission(rules.party_write_errors({}, actor=actor, case=case))
    raise_errors(rules.check_party({"role": role, "name": name, "phone": phone}, actor=actor, case=case))
    beneficiary = None
    number = normalize_id_number(beneficiary_id_number)
    if number:
        beneficiary = Beneficiary.objects.visible_to(actor).filter(id_number=number).first()
        if beneficiary is None:
            raise ValidationError({"beneficiary_id_number": _("没有找到您可以查看的、身份证号为该号码的服务对象。")})
    return CaseParty.objects.create(
        case=case, role=role, name=name.strip(), phone=clean_phone(phone), beneficiary=beneficiary
    )


def party_subject(party: CaseParty) -> Subject:
    """The audit log's name for a case party (``organizations.audit.Subject``)."""
    return Subject("case_party", party.pk, party.case.organization_id)


@transaction.atomic
def party_reveal(*, party: CaseParty, field: str, actor: User) -> str:
    """Returns the full value of one masked field of one case party and writes who saw it,
    when.  Staff and members of the handling organization only (leaders never see cases)."""
    if field not in PARTY_REVEALABLE:
        raise ValidationError(_("不支持查看该字段。"))
    if not can_see_personal_data(actor, party.case.organization_id):
        raise PermissionDenied
    record_access(
        actor=actor,
        action=Action.REVEAL,
        subjects=[party_subject(party)],
        organization=party.case.organization_id,
        field=field,
    )
    value: str = getattr(party, field)
    return value


@transaction.atomic
def party_remove(*, party: CaseParty, actor: AnyUser) -> None:
    """The explicit 移除 action of the case page: the only way a party is ever deleted."""
    _require_worker(actor, party.case)
    party.delete()


@transaction.atomic
def attachment_add(
    *, case: MediationCase, actor: User, upload: "UploadedFile[bytes]", description: str | None = ""
) -> CaseAttachment:
    """Stores an agreement or other document (PDF, JPEG, PNG; 10 MB at most) privately."""
    _require_worker(actor, case)
    relative, content_type = store_attachment(upload, "cases")
    try:
        attachment = CaseAttachment.objects.create(
            case=case,
            file=relative,
            original_name=(upload.name or "")[-200:],
            content_type=content_type,
            size=upload.size,  # type: ignore[misc]  # never None: store_attachment refused an empty file
            description=(description or "").strip()[:100],
            uploaded_by=actor,
        )
    except Exception:
        delete_attachment_file(relative)
        raise
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        at=timezone.now(),
        author=actor,
        text=_("上传附件：%(name)s") % {"name": attachment.description or attachment.original_name},
    )
    return attachment
