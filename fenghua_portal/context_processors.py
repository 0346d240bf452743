from functools import cache

from django.conf import settings

from core.notifications import unread_count
from core.roles import Role, role_of

# The nav's sections: the landing page of each (its link in the nav), and the pages under it.
NAV_LANDING = {
    "home": "home",
    "visit_create": "beneficiaries:visit_create",
    "beneficiaries": "beneficiaries:list",
    "visits": "beneficiaries:visit_list",
    "overdue": "beneficiaries:overdue",
    "training": "training:list",
    "cases": "cases:list",
    "referrals": "referrals:list",
    "projects": "projects:list",
    "review": "projects:review_queue",
    "organizations": "organizations:list",
    "reports": "reports:dashboard",
    "sheets": "spreadsheets:index",
    "accounts": "organizations:accounts",
    "audit": "organizations:audit",
    "signins": "account_signins",
}
_SECTION_OF_VIEW = {view: section for section, view in NAV_LANDING.items()}
_SECTION_OF_VIEW["beneficiaries:visit_create_for"] = "visit_create"
_SECTION_BY_PREFIX = (
    ("beneficiaries:visit_", "visits"),
    ("projects:review_", "review"),
    ("beneficiaries:", "beneficiaries"),
    ("training:", "training"),
    ("cases:", "cases"),
    ("referrals:", "referrals"),
    ("projects:", "projects"),
    ("organizations:", "organizations"),
    ("reports:", "reports"),
    ("spreadsheets:", "sheets"),
)


def nav_current(request):
    """{section: "page"} on a section's landing page, {section: "true"} on a page under it
    (a record of that list): the nav marks that link with ``aria-current``."""
    match = getattr(request, "resolver_match", None)
    view = match.view_name if match is not None else ""
    section = _SECTION_OF_VIEW.get(view)
    if section is None:
        section = next((name for prefix, name in _SECTION_BY_PREFIX if view.startswith(prefix)), None)
    if section is None:
        return {}
    return {section: "page" if NAV_LANDING[section] == view else "true"}


def portal(request):
    user = getattr(request, "user", None)

    # Counted only when a template shows the bell (one indexed COUNT), once per request.
    @cache
    def unread():
        return unread_count(user)

    role = role_of(user) if user is not None else Role.ANONYMOUS
    return {
        "portal_role": role,
        # What templates decide on (never by comparing the role as a string):
        "is_staff_user": role == Role.STAFF,  # federation staff (and superusers)
        "is_leader_user": role == Role.LEADER,  # leaders: aggregates only
        "is_org_member": role == Role.MEMBER,  # a member or admin of organizations
        "is_field_worker": role in (Role.STAFF, Role.MEMBER),  # who records visits, sessions, cases
        "notifications_unread": unread,
        "nav_current": nav_current(request),
        "offline_cache_days": settings.OFFLINE_CACHE_DAYS,
    }
