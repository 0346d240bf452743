"""Writes that enforce the rules about organizations and who belongs to them (the rules
themselves: ``rules.py``).  Keyword-only explicit arguments; each service owns its
transaction and checks the rules again."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_create
from core.rules import as_values, checked_update, raise_errors, require_permission, save_values
from core.versioning import UNCHANGED, given

from . import rules
from .access import can_manage_organization, is_staff
from .models import Membership, Organization
from .validators import clean_phone, normalize_credit_code


def _normalized(values):
    if "credit_code" in values:
        values["credit_code"] = normalize_credit_code(values["credit_code"])
    for name in ("name", "leader_name"):
        if name in values:
            values[name] = (values[name] or "").strip()
    if "phone" in values:
        values["phone"] = clean_phone(values["phone"])
    return values


def _write(organization, values, actor, today):
    values.update(rules.activity_for(values, organization if organization.pk else None, today))
    return save_values(organization, values, actor=actor)


@transaction.atomic
def organization_create(
    *,
    actor,
    name,
    town,
    kind=Organization.Kind.REGISTERED,
    credit_code="",
    service_areas=(),
    leader_name="",
    phone="",
    founded=None,
    volunteer_count=0,
    active=True,
    deactivated_on=None,
):
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
    organization,
    actor,
    version,
    name=UNCHANGED,
    town=UNCHANGED,
    kind=UNCHANGED,
    credit_code=UNCHANGED,
    service_areas=UNCHANGED,
    leader_name=UNCHANGED,
    phone=UNCHANGED,
    founded=UNCHANGED,
    volunteer_count=UNCHANGED,
    active=UNCHANGED,
    deactivated_on=UNCHANGED,
):
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
def organization_set_active(*, organization, actor, active, on=None):
    """Switches an organization off (recording the day it stopped: ``on`` or today) or back on
    (clearing it).  Staff only."""
    values = {"active": bool(active)}
    if on is not None:
        values["deactivated_on"] = on
    require_permission(rules.organization_write_errors(values, actor=actor, instance=organization))
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    today = timezone.localdate()
    raise_errors(rules.check_organization(values, actor=actor, instance=locked, today=today))
    locked.version += 1
    return _write(locked, values, actor, today)


@transaction.atomic
def membership_add(*, organization, email, full_name, role, actor, request=None, password=None):
    """Adds a person to an organization, creating the account when the email is new.

    Staff may add admins and members; an organization admin may add members to the own
    organization only.  A leader or staff account cannot be made an organization member."""
    if not can_manage_organization(actor, organization.pk):
        raise PermissionDenied
    if role == Membership.Role.ADMIN and not is_staff(actor):
        raise PermissionDenied
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(email=email, full_name=full_name, role=User.Role.MEMBER, password=password, request=request)
    elif user.role != User.Role.MEMBER or user.is_superuser:
        raise ValidationError({"email": _("该邮箱属于妇联工作人员或领导账号，不能加入组织。")})
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    if not created:
        raise ValidationError({"email": _("%(email)s 已是本组织成员。") % {"email": email}})
    return membership


@transaction.atomic
def membership_change_role(*, membership, actor, version, role):
    """Makes a member an admin or an admin a member (staff only), from a page loaded at
    ``version``: a stale change is refused with what changed since."""
    values = {"role": role}
    fresh = checked_update(membership, version, values, ruleset=rules.MEMBERSHIPS, actor=actor, noun=_("成员角色"))
    return save_values(fresh, values, actor=actor)


@transaction.atomic
def membership_remove(*, membership, actor):
    """Removes a membership.  Org admins may remove members (not admins) of their own org."""
    if not can_manage_organization(actor, membership.organization_id):
        raise PermissionDenied
    if membership.role == Membership.Role.ADMIN and not is_staff(actor):
        raise PermissionDenied
    membership.delete()
