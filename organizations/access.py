"""The one access rule.  Every scoped model's QuerySet derives from ``ScopedQuerySet`` (defined
in ``organizations.scoping``, re-exported here) and every view, export, autocomplete and
download fetches through ``visible_to(user)``:

* federation staff (and superusers) see everything;
* leaders see aggregates only: no scoped rows unless the model says ``leader_visible``;
* organization users see the rows of the organizations they belong to;
* anonymous and inactive users see nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from core.roles import AnyUser, Role, role_of

from .scoping import OrganizationIds, ScopedQuerySet, admin_org_ids, member_org_ids, scope_key, user_pk

# Re-exported: callers import the role helpers and the scope (organizations.scoping) from here.
__all__ = [
    "Actor",
    "AnyUser",
    "OrganizationIds",
    "Role",
    "ScopedQuerySet",
    "Who",
    "admin_org_ids",
    "member_org_ids",
    "role_of",
    "scope_key",
]

_M = TypeVar("_M", bound=models.Model)
_M_co = TypeVar("_M_co", bound=models.Model, covariant=True)


def is_staff(user: AnyUser) -> bool:
    return role_of(user) == Role.STAFF


def is_leader(user: AnyUser) -> bool:
    return role_of(user) == Role.LEADER


def is_member_of(user: AnyUser, organization_id: int) -> bool:
    from .models import Membership

    if role_of(user) != Role.MEMBER:
        return False
    return Membership.objects.filter(
        user_id=user_pk(user), organization_id=organization_id, organization__active=True
    ).exists()


def is_admin_of(user: AnyUser, organization_id: int) -> bool:
    from .models import Membership

    if role_of(user) != Role.MEMBER:
        return False
    return Membership.objects.filter(
        user_id=user_pk(user), organization_id=organization_id, role=Membership.Role.ADMIN, organization__active=True
    ).exists()


def can_manage_organization(user: AnyUser, organization_id: int) -> bool:
    """Staff manage every organization; an organization admin manages its own."""
    return is_staff(user) or is_admin_of(user, organization_id)


def can_act_for(user: AnyUser, organization_id: int) -> bool:
    """Staff act for any organization; an organization's members for their own (record visits,
    sessions and cases, read its narratives).  Leaders never."""
    return is_staff(user) or is_member_of(user, organization_id)


@dataclass(frozen=True)
class Actor:
    """Who is writing, loaded once: the role and the organizations the user belongs to and
    administers (one query).  The rule functions take a user or an Actor; an import builds one
    Actor for all its rows (``Actor.of(user)``), the shell command ``Actor.system()``.  The
    answers are those of ``can_act_for`` and ``can_manage_organization``."""

    user: Any
    role: Role
    member_org_ids: frozenset[int] = frozenset()
    admin_org_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, who: Any) -> Actor:
        if isinstance(who, cls):
            return who
        role = role_of(who)
        if role != Role.MEMBER:
            return cls(user=who, role=role)
        from .models import Membership

        rows = list(
            Membership.objects.filter(user=who, organization__active=True).values_list("organization_id", "role")
        )
        return cls(
            user=who,
            role=role,
            member_org_ids=frozenset(org for org, _role in rows),
            admin_org_ids=frozenset(org for org, r in rows if r == Membership.Role.ADMIN),
        )

    @classmethod
    def system(cls) -> Actor:
        """The shell (``manage.py import_xlsx``): staff rights, no user."""
        return cls(user=None, role=Role.STAFF)

    @property
    def is_staff(self) -> bool:
        return self.role == Role.STAFF

    def acts_for(self, organization_id: int | None) -> bool:
        """Staff for any organization, members for their own (``can_act_for``)."""
        return self.is_staff or (organization_id is not None and organization_id in self.member_org_ids)

    def manages(self, organization_id: int | None) -> bool:
        """Staff for any organization, admins for their own (``can_manage_organization``)."""
        return self.is_staff or (organization_id is not None and organization_id in self.admin_org_ids)

    def is_admin_of(self, organization_id: int | None) -> bool:
        return organization_id is not None and organization_id in self.admin_org_ids


# Who the rule functions take: a user (request.user, None in a task) or an Actor loaded once.
Who: TypeAlias = AnyUser | Actor


def can_see_personal_data(user: AnyUser, organization_id: int) -> bool:
    """Staff and members of the responsible organization may see (and reveal) personal data;
    leaders never do."""
    return can_act_for(user, organization_id)


class VisibleRows(Protocol[_M_co]):
    """A QuerySet with the access rule (ScopedQuerySet, or one with its own ``visible_to``)."""

    def visible_to(self, user: AnyUser) -> models.QuerySet[_M_co]: ...


def get_visible_or_404(queryset: VisibleRows[_M] | type[_M], user: AnyUser, **lookup: Any) -> _M:
    """Fetches one row the user may see; 404 (never 403) for one they may not, so that the
    existence of other organizations' records is not revealed."""
    if isinstance(queryset, type):
        # A scoped model's default manager is made from its QuerySet (``as_manager()``).
        queryset = cast("VisibleRows[_M]", queryset._default_manager.all())
    try:
        return queryset.visible_to(user).get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None
