"""Who may see which figures and which reports.  Reports follow one rule,
``MonthlyReport.objects.visible_to`` (``models.report_visibility``): asking for a report is
allowed exactly when the report would be visible; the dashboard adds that staff and leaders
may look at any scope's aggregates."""

from core.roles import Role, role_of
from organizations.access import member_org_ids
from organizations.models import Organization

from .models import MonthlyReport
from .statistics import Scope


def organizations_of(user):
    """The active organizations a member belongs to."""
    return Organization.objects.filter(pk__in=member_org_ids(user)).select_related("town").order_by("name")


def may_request(user, scope):
    """Reports: those of scopes whose report ``MonthlyReport.objects.visible_to(user)`` would
    include (staff any; leaders the district and towns; organization users their own
    organizations)."""
    organization_id = scope.organization.pk if scope.organization is not None else None
    return MonthlyReport.objects.would_be_visible(user, scope_kind=scope.kind, organization_id=organization_id)


def may_view(user, scope):
    """Dashboard figures: staff and leaders any scope (aggregates only); others the scopes
    whose reports they may have."""
    if role_of(user) in (Role.STAFF, Role.LEADER):
        return True
    return may_request(user, scope)


def scope_for_report(report):
    if report.scope_kind == MonthlyReport.ScopeKind.TOWN:
        return Scope.for_town(report.town)
    if report.scope_kind == MonthlyReport.ScopeKind.ORGANIZATION:
        return Scope.for_organization(report.organization)
    return Scope.district()
