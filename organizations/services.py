"""Writes that enforce the rules about organizations and who belongs to them (the rules
themselves: ``rules.py``).  Keyword-only explicit arguments; each service owns its
transaction and checks the rules again."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_create
from core.mail import email_language
from core.notifications import notify
from core.roles import AnyUser
from core.rules import Values, as_values, checked_update, raise_errors, require_permission, save_values
from core.versioning import UNCHANGED, Unchanged, given

from . import rules
from .access import can_manage_organization, is_staff
from .models import Invitation, Membership, Organization, ServiceArea, Town
from .validators import clean_phone, normalize_credit_code


def _normalized(values: Values) -> Values:
    if "credit_code" in values:
        values["credit_code"] = normalize_credit_code(values["credit_code"])
    for name in ("name", "leader_name"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "phone" in values:
        values["phone"] = clean_phone(values["phone"])
    return values


def _write(organization: Organization, values: Values, actor: AnyUser, today: datetime.date) -> Organization:
    values.update(rules.activity_for(values, organization if organization.pk else None, today))
    return save_values(organization, values, actor=actor)


@transaction.atomic
def organization_create(
    *,
    actor: AnyUser,
    name: str,
    town: Town,
    kind: str = Organization.Kind.REGISTERED,
    credit_code: str = "",
    service_areas: Iterable[ServiceArea] = (),
    leader_name: str = "",
    phone: str = "",
    founded: datetime.date | None = None,
    volunteer_count: int | None = 0,
    active: bool = True,
    deactivated_on: datetime.date | None = None,
) -> Organization:
    """Creates an organization (staff only)."""
    values = _normalized(
        as_values(
            Organization,
            {
                "name": name,
                "town": town,
                "kind": kind,
                "credit_code": credit_code,
                "service_areas": service_areas,
                "leader_name": leader_name,
                "phone": phone,
                "founded": founded,
                "volunteer_count": volunteer_count,
                "active": active,
                "deactivated_on": deactivated_on,
            },
        )
    )
    today = timezone.localdate()
    require_permission(rules.organization_write_errors(values, actor=actor))
    raise_errors(rules.check_organization(values, actor=actor, today=today))
    return _write(Organization(), values, actor, today)


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    actor: AnyUser,
    version: int | str | None,
    name: str | Unchanged = UNCHANGED,
    town: Town | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    credit_code: str | Unchanged = UNCHANGED,
    service_areas: Iterable[ServiceArea] | Unchanged = UNCHANGED,
    leader_name: str | Unchanged = UNCHANGED,
    phone: str | Unchanged = UNCHANGED,
    founded: datetime.date | None | Unchanged = UNCHANGED,
    volunteer_count: int | None | Unchanged = UNCHANGED,
    active: bool | Unchanged = UNCHANGED,
    deactivated_on: datetime.date | None | Unchanged = UNCHANGED,
) -> Organization:
    """Changes an organization from a form loaded at ``version`` (a stale one is refused with
    what changed since).  Staff change every field; the organization's admins all but whether
    it is active.  Switching it off records the day it stopped; switching it on clears it."""
    values = _normalized(
        as_values(
            Organization,
            given(
                name=name,
                town=town,
                kind=kind,
                credit_code=credit_code,
                service_areas=service_areas,
                leader_name=leader_name,
                phone=phone,
                founded=founded,
                volunteer_count=volunteer_count,
                active=active,
                deactivated_on=deactivated_on,
            ),
        )
    )
    today = timezone.localdate()
    fresh = checked_update(
        organization, version, values, ruleset=rules.ORGANIZATIONS, actor=actor, noun=_("组织"), today=today
    )
    return _write(fresh, values, actor, today)


@transaction.atomic
def organization_set_active(
    *, organization: Organization, actor: AnyUser, active: bool, on: datetime.date | None = None
) -> Organization:
    """Switches an organization off (recording the day it stopped: ``on`` or today) or back on
    (clearing it).  Staff only."""
    values: Values = {"active": bool(active)}
    if on is not None:
        values["deactivated_on"] = on
    require_permission(rules.organization_write_errors(values, actor=actor, instance=organization))
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    today = timezone.localdate()
    raise_errors(rules.check_organization(values, actor=actor, instance=locked, today=today))
    locked.version += 1
    return _write(locked, values, actor, today)


@transaction.atomic
def membership_add(
    *,
    organization: Organization,
    email: str,
    full_name: str,
    role: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Membership | Invitation:
    """Adds a person to an organization.

    A new address gets an account, a set-password email (following it proves the address) and
    the membership at once; returns the Membership.  An address that already has an account
    gets an invitation it must accept before anything is attached; returns the Invitation.
    Staff may add admins and members; an organization admin may add members to the own
    organization only.  A leader or staff account cannot be made an organization member."""
    if not can_manage_organization(actor, organization.pk):
        raise PermissionDenied
    if role == Membership.Role.ADMIN and not is_staff(actor):
        raise PermissionDenied
    email = email.strip().lower()
    # The login address only: an address someone merely asked to change to is not theirs.
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(email=email, full_name=full_name, role=User.Role.MEMBER, request=request)
        return Membership.objects.create(user=user, organization=organization, role=role)
    if user.role != User.Role.MEMBER or user.is_superuser:
        raise ValidationError({"email": _("该邮箱属于妇联工作人员或领导账号，不能加入组织。")})
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"email": _("%(email)s 已是本组织成员。") % {"email": email}})
    return invitation_create(organization=organization, user=user, role=role, actor=actor)


def invitation_create(*, organization: Organization, user: User, role: str, actor: User) -> Invitation:
    """Invites an existing account (called by membership_add, which checked the actor); the
    email is recorded with the invitation and goes out after the commit (core.mail)."""
    now = timezone.now()
    stale = Invitation.objects.filter(organization=organization, user=user, status=Invitation.Status.PENDING)
    stale.filter(expires_at__lte=now).update(status=Invitation.Status.EXPIRED, responded_at=now)
    if stale.exists():
        raise ValidationError({"email": _("已邀请 %(email)s，正在等待对方接受。") % {"email": user.email}})
    invitation = Invitation.objects.create(
        organization=organization,
        user=user,
        email=user.email,
        role=role,
        invited_by=actor,
        expires_at=now + datetime.timedelta(days=Invitation.VALID_DAYS),
    )
    invitation_send_email(invitation=invitation)
    return invitation


def _answerable(invitation: Invitation, actor: User) -> Invitation:
    """The invitee alone answers an invitation, while it is pending and not expired; the
    row is locked so that two answers cannot both win."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("organization").get(pk=invitation.pk)
    if invitation.user_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if invitation.status != Invitation.Status.PENDING or invitation.expires_at <= timezone.now():
        raise ValidationError(_("该邀请已失效。"))
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, actor: User) -> Membership:
    """The invitee joins the organization with the invited role."""
    invitation = _answerable(invitation, actor)
    if not invitation.organization.active:
        raise ValidationError(_("该组织已停止运行，不能加入。"))
    membership, _created = Membership.objects.get_or_create(
        user=actor, organization=invitation.organization, defaults={"role": invitation.role}
    )
    invitation.close(Invitation.Status.ACCEPTED)
    return membership


@transaction.atomic
def invitation_decline(*, invitation: Invitation, actor: User) -> Invitation:
    """The invitee says no; nothing is attached."""
    invitation = _answerable(invitation, actor)
    invitation.close(Invitation.Status.DECLINED)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    """Withdraws a pending invitation.  Staff, and the organization's admins for member
    invitations (as with removing members)."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not can_manage_organization(actor, invitation.organization_id):
        raise PermissionDenied
    if invitation.role == Membership.Role.ADMIN and not is_staff(actor):
        raise PermissionDenied
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("该邀请已处理，不能撤回。"))
    invitation.close(Invitation.Status.REVOKED)
    return invitation


@transaction.atomic
def invitation_send_email(*, invitation: Invitation) -> bool:
    """Tells the invitee (every notice about invitations goes through here): a notification in
    the portal and the same text by email (core.notifications.notify), in the caller's
    transaction, delivered once after the commit (keyed by the invitation, so asking again sends
    nothing).  Returns False when it was already sent or the invitation is no longer pending."""
    pending = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization", "invited_by", "user")
        .filter(pk=invitation.pk, status=Invitation.Status.PENDING, emailed_at__isnull=True)
        .first()
    )
    if pending is None:
        return False
    context = {"invitation": pending, "organization": pending.organization}
    with email_language():
        subject = render_to_string("organizations/email/invitation_subject.txt", context).strip()
        text = _(
            "%(inviter)s 邀请您以“%(role)s”的身份加入“%(name)s”。请登录兰馨HUI，在首页接受或拒绝这份邀请"
            "（%(date)s 前有效；接受之前，您不会加入该组织；如果您不认识邀请人，请直接拒绝）。"
        ) % {
            "inviter": pending.invited_by or _("区妇联"),
            "role": pending.get_role_display(),
            "name": pending.organization.name,
            "date": timezone.localtime(pending.expires_at).date().isoformat(),
        }
    notify(
        users=[pending.user],
        kind="invitation",
        text=text,
        url=reverse("home") + "#invitations",
        key=f"organizations.invitation:{pending.pk}",
        subject=subject,
    )
    pending.emailed_at = timezone.now()
    pending.save(update_fields=["emailed_at"])
    return True


def membership_change_role(
    *, membership: Membership, actor: AnyUser, version: int | str | None, role: str
) -> Membership:
    """Makes a member an admin or an admin a member (staff only), from a page loaded at
    ``version``: a stale change is refused with what changed since."""
    values: Values = {"role": role}
    fresh = checked_update(membership, version, values, ruleset=rules.MEMBERSHIPS, actor=actor, noun=_("成员角色"))
    return save_values(fresh, values, actor=actor)


def may_remove_membership(*, membership: Membership, actor: AnyUser) -> bool:
    """Staff remove anyone; an organization's admins remove its members (not admins)."""
    if not can_manage_organization(actor, membership.organization_id):
        return False
    return membership.role != Membership.Role.ADMIN or is_staff(actor)


@transaction.atomic
def membership_remove(*, membership: Membership, actor: AnyUser) -> None:
    """Removes a membership (``may_remove_membership``)."""
    if not may_remove_membership(membership=membership, actor=actor):
        raise PermissionDenied
    membership.delete()
