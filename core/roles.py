"""The portal-wide roles, as one enum, and the one function that tells a user's role."""

from enum import StrEnum
from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    STAFF = "staff"
    LEADER = "leader"
    MEMBER = "member"


class PortalUser(Protocol):
    """What ``core`` needs of ``accounts.User`` (an app above it, so not imported here)."""

    @property
    def pk(self) -> Any: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...
    @property
    def role(self) -> str: ...


# Whatever a view, task or command may hold as "the user": request.user, or None in a task.
AnyUser = PortalUser | AnonymousUser | None


def role_of(user: AnyUser) -> Role:
    """Staff (federation staff and superusers), leader, member (of organizations) or anonymous
    (signed out or inactive)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.ANONYMOUS
    if user.is_superuser or user.role == Role.STAFF:
        return Role.STAFF
    if user.role == Role.LEADER:
        return Role.LEADER
    return Role.MEMBER
