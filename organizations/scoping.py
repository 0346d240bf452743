"""The scope of the access rule: which rows a user's organizations cover.  Every scoped model's
QuerySet derives from ``ScopedQuerySet`` (``Model.objects.visible_to(user)``,
``manageable_by(user)``); ``member_org_ids`` and ``admin_org_ids`` are the subqueries it filters
by.  The rest of the rule (``get_visible_or_404``, ``Actor``, ``can_act_for``...) is in
``organizations.access``, which re-exports all of these: import them from there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeAlias, TypeVar

from django.db import models

from core.roles import AnyUser, Role, role_of

if TYPE_CHECKING:
    from .models import Membership

_M = TypeVar("_M", bound=models.Model)

# The ids of organizations, as a subquery (``organization__in=member_org_ids(user)``).
OrganizationIds: TypeAlias = models.QuerySet["Membership", Mapping[str, object]]


def user_pk(user: AnyUser) -> Any:
    """The user's id (None when signed out: a lookup on it matches nothing)."""
    return None if user is None else user.pk


def member_org_ids(user: AnyUser) -> OrganizationIds:
    """A lazy subquery of the ids of the organizations the user belongs to."""
    from .models import Membership

    return Membership.objects.filter(user_id=user_pk(user), organization__active=True).values("organization_id")


def scope_key(user: AnyUser) -> str | None:
    """A short text naming whose rows ``visible_to(user)`` gives, for cache keys: ``all``
    (staff), ``leader``, or ``m`` and the ids of the organizations the user belongs to (one
    small query; a membership added or removed, or an organization stopped, changes it at
    once); None for a signed-out user (nothing to cache)."""
    role = role_of(user)
    if role == Role.STAFF:
        return "all"
    if role == Role.LEADER:
        return "leader"
    if role == Role.MEMBER:
        ids = sorted(member_org_ids(user).values_list("organization_id", flat=True))
        return "m" + ".".join(str(pk) for pk in ids)
    return None


def admin_org_ids(user: AnyUser) -> OrganizationIds:
    """A lazy subquery of the ids of the organizations the user administers."""
    from .models import Membership

    return Membership.objects.filter(
        user_id=user_pk(user), role=Membership.Role.ADMIN, organization__active=True
    ).values("organization_id")


class ScopedQuerySet(models.QuerySet[_M]):
    """Subclass and set ``scope_path`` to the lookup from the model to its organization's id
    (``"organization"`` for a direct foreign key, ``"pk"`` for Organization itself)."""

    scope_path: ClassVar[str] = "organization"
    leader_visible: ClassVar[bool] = False

    def visible_to(self, user: AnyUser) -> Self:
        role = role_of(user)
        if role == Role.STAFF:
            return self
        if role == Role.LEADER:
            return self if self.leader_visible else self.none()
        if role == Role.MEMBER:
            organizations = member_org_ids(user)
            own = models.Q(**{f"{self.scope_path}__in": organizations})
            shared = self.shared_with(organizations)
            return self.filter(own if shared is None else own | shared)
        return self.none()

    def shared_with(self, organization_ids: OrganizationIds) -> models.Q | None:
        """Rows of other organizations that members of ``organization_ids`` see too (a person
        handed over by an accepted referral, a referral sent to them), as a condition ORed
        into ``visible_to`` in the same query; None (the default): none.  Only organization
        members get them: staff see everything anyway, leaders stay with aggregates."""
        return None

    def manageable_by(self, user: AnyUser) -> Self:
        """Rows the user may change as an administrator: staff all, organization admins their
        organizations' rows."""
        role = role_of(user)
        if role == Role.STAFF:
            return self
        if role == Role.MEMBER:
            return self.filter(**{f"{self.scope_path}__in": admin_org_ids(user)})
        return self.none()
