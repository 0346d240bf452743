"""Writes that enforce the rules about organizations and who belongs to them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_create

from .access import can_manage_organization, is_staff
from .models import Membership


@transaction.atomic
def organization_save(*, form, actor):
    """Saves a create/edit form.  Creating is for staff; editing for staff and the
    organization's own admins."""
    instance = form.instance
    if instance.pk is None and not is_staff(actor):
        raise PermissionDenied
    if instance.pk is not None and not can_manage_organization(actor, instance.pk):
        raise PermissionDenied
    return form.save()


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
def membership_remove(*, membership, actor):
    """Removes a membership.  Org admins may remove members (not admins) of their own org."""
    if not can_manage_organization(actor, membership.organization_id):
        raise PermissionDenied
    if membership.role == Membership.Role.ADMIN and not is_staff(actor):
        raise PermissionDenied
    membership.delete()
