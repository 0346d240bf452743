"""Who may import and who may export, per record type.  Checked on every step of the web
import (upload, preview, confirm, cancel, download) and by every export."""

from core.roles import AnyUser
from organizations.access import admin_org_ids, role_of

# Leaders see aggregates only; these two hold no personal data.
LEADER_EXPORTS = {"organizations", "projects"}
# Organizations are the federation's directory: only staff import them.
STAFF_ONLY_IMPORTS = {"organizations"}


def is_org_admin(user):
    return role_of(user) == "member" and admin_org_ids(user).exists()


def can_import(user: AnyUser, resource: str | None = None) -> bool:
    """Staff import every type; an organization admin imports the records of the own
    organization(s) (not the directory of organizations); members and leaders never."""
    role = role_of(user)
    if role == "staff":
        return True
    if role != "member" or resource in STAFF_ONLY_IMPORTS:
        return False
    return is_org_admin(user)


def can_export(user, resource):
    """Staff export everything, organization users the rows they can see, leaders only the
    organizations and projects (no personal data)."""
    role = role_of(user)
    if role in ("staff", "member"):
        return True
    return role == "leader" and resource in LEADER_EXPORTS
