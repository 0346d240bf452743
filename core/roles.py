"""The portal-wide roles, as one enum, and the one function that tells a user's role."""

from enum import StrEnum


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    STAFF = "staff"
    LEADER = "leader"
    MEMBER = "member"


def role_of(user) -> Role:
    """Staff (federation staff and superusers), leader, member (of organizations) or anonymous
    (signed out or inactive)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.ANONYMOUS
    if user.is_superuser or user.role == Role.STAFF:
        return Role.STAFF
    if user.role == Role.LEADER:
        return Role.LEADER
    return Role.MEMBER
