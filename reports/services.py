"""Who may see which figures, asking for a report, building it, and the context shared by the
dashboard and the PDF."""

import logging
import os
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary
from core.months import month_start
from core.roles import Role, role_of
from organizations.access import member_org_ids
from organizations.models import Organization, Town

from . import charts
from .models import MonthlyReport
from .statistics import FIGURE_KEYS, FIGURE_LABELS, RATE_KEYS, Scope, compute, trend

logger = logging.getLogger(__name__)


# --- access ----------------------------------------------------------------------------------


def organizations_of(user):
    """The active organizations a member belongs to."""
    return Organization.objects.filter(pk__in=member_org_ids(user)).select_related("town").order_by("name")


def may_view(user, scope):
    """Dashboard figures: staff and leaders any scope (aggregates only); organization users
    their own organizations."""
    role = role_of(user)
    if role in (Role.STAFF, Role.LEADER):
        return True
    if role == Role.MEMBER and scope.kind == "organization":
        return organizations_of(user).filter(pk=scope.organization.pk).exists()
    return False


def may_request(user, scope):
    """Reports: staff any scope; leaders the district and towns; organization users their own
    organizations (the same rule as ``MonthlyReport.objects.visible_to``)."""
    role = role_of(user)
    if role == Role.STAFF:
        return True
    if role == Role.LEADER:
        return scope.kind in ("district", "town")
    return may_view(user, scope)


def scope_for_report(report):
    if report.scope_kind == MonthlyReport.ScopeKind.TOWN:
        return Scope.for_town(report.town)
    if report.scope_kind == MonthlyReport.ScopeKind.ORGANIZATION:
        return Scope.for_organization(report.organization)
    return Scope.district()


# --- asking for and building reports ---------------------------------------------------------


def _save_request(*, month, scope, user):
    report, _created = MonthlyReport.objects.update_or_create(
        scope_key=scope.key,
        month=month_start(month),
        defaults={
            "scope_kind": scope.kind,
            "town": scope.town,
            "organization": scope.organization,
            "status": MonthlyReport.Status.PENDING,
            "progress": 0,
            "error": "",
            "requested_by": user,
        },
    )
    return report


@transaction.atomic
def request_report(*, month, scope, user):
    """Asks for the report of ``scope`` and ``month``: one ``MonthlyReport`` per scope and
    month (asking again rebuilds it), built by the worker once this transaction commits."""
    from .tasks import build_monthly_report

    if user is not None and not may_request(user, scope):
        raise PermissionDenied
    report = _save_request(month=month, scope=scope, user=user)
    build_monthly_report.delay_on_commit(report.pk)
    return report


def prepare_report(*, month, scope):
    """The row the management command builds synchronously (no user, no queue)."""
    return _save_request(month=month, scope=scope, user=None)


def _set_progress(report_id, **fields):
    MonthlyReport.objects.filter(pk=report_id).update(updated_at=timezone.now(), **fields)


def build_report(report_id):
    """Renders the PDF of one ``MonthlyReport`` and stores it under REPORT_STORAGE_ROOT with an
    unguessable name, replacing (and deleting) the previous file of the same scope and month."""
    from .pdf import render_pdf

    report = MonthlyReport.objects.select_related("town", "organization").get(pk=report_id)
    _set_progress(report_id, status=MonthlyReport.Status.RUNNING, progress=10, error="")
    context = report_context(report.month, scope_for_report(report))
    _set_progress(report_id, progress=40)
    pdf = render_pdf(context)
    _set_progress(report_id, progress=90)

    root = Path(settings.REPORT_STORAGE_ROOT)
    relative = f"{report.month:%Y-%m}/{secrets.token_urlsafe(24)}.pdf"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(pdf)
    os.replace(partial, target)

    old = MonthlyReport.objects.filter(pk=report_id).values_list("file", flat=True).first()
    _set_progress(
        report_id, status=MonthlyReport.Status.DONE, progress=100, file=relative, error="", built_at=timezone.now()
    )
    if old and old != relative:
        (root / old).unlink(missing_ok=True)
    return relative


def failure_message(exc):
    """A failure as users read it: Chinese, no stack trace (the trace goes to the log)."""
    from celery.exceptions import SoftTimeLimitExceeded

    from .pdf import RefusedURL

    if isinstance(exc, SoftTimeLimitExceeded):
        reason = _("生成时间过长，已停止。")
    elif isinstance(exc, DatabaseError):
        reason = _("数据库暂时无法访问。")
    elif isinstance(exc, RefusedURL):
        reason = _("报告模板引用了不允许加载的资源。")
    elif isinstance(exc, OSError):
        reason = _("报告文件无法保存。")
    elif isinstance(exc, MonthlyReport.DoesNotExist):
        reason = _("报告记录已被删除。")
    else:
        reason = _("生成报告时发生内部错误。")
    return _("报告生成失败：%(reason)s请稍后重新生成；如仍失败，请联系管理员。") % {"reason": reason}


def mark_failed(report_id, exc):
    logger.error("monthly report %s failed", report_id, exc_info=exc)
    try:
        _set_progress(report_id, status=MonthlyReport.Status.FAILED, error=failure_message(exc))
    except DatabaseError:
        logger.exception("could not record the failure of monthly report %s", report_id)


def report_path(report):
    return Path(settings.REPORT_STORAGE_ROOT) / report.file


# --- what the dashboard and the PDF show -----------------------------------------------------


def _display(key, value):
    if value is None:
        return "—"
    if key in RATE_KEYS:
        return f"{value * 100:.1f}%"
    return str(value)


def _change(key, current, previous):
    if key in RATE_KEYS:
        if current is None or previous is None:
            return "—"
        return f"{(current - previous) * 100:+.1f}" + _("个百分点")
    if key == "project_funds":
        return f"{Decimal(current) - Decimal(previous):+.2f}"
    return f"{current - previous:+d}"


def figure_rows(stats):
    """Rows of (label, month, previous month, change, year to date) for the headline table."""
    month, prev, ytd = stats["month_figures"], stats["previous_month_figures"], stats["ytd_figures"]
    return [
        {
            "key": key,
            "label": FIGURE_LABELS[key],
            "month": _display(key, month[key]),
            "prev": _display(key, prev[key]),
            "change": _change(key, month[key], prev[key]),
            "ytd": _display(key, ytd[key]),
        }
        for key in FIGURE_KEYS
    ]


SECTIONS = {
    "key_care_rate": ["key_care_coverage"],
    "cases": ["cases_received", "cases_closed", "cases_resolved", "cases_open", "mediation_success_rate"],
    "training": ["training_sessions", "training_person_times", "trainees_distinct", "certificates"],
    "projects": ["projects_in_progress", "project_funds"],
}


def sections_of(rows):
    by_key = {row["key"]: row for row in rows}
    return {name: [by_key[key] for key in keys] for name, keys in SECTIONS.items()}


def table_rows(rows, name_key):
    """By-town or by-organization rows with displayable values."""
    return [
        {
            "name": row[name_key],
            **{key: _display(key, row[key]) for key in FIGURE_KEYS},
            "ytd": {key: _display(key, row["ytd"][key]) for key in FIGURE_KEYS} if "ytd" in row else None,
        }
        for row in rows
    ]


def trend_charts(series):
    labels = [m[5:] for m in series["months"]]
    return [
        charts.line_chart(_("走访次数"), labels, [(_("走访（次）"), series["visits"])]),
        charts.line_chart(_("重点关爱覆盖率"), labels, [(_("覆盖率"), series["key_care_coverage"])], percent=True),
        charts.line_chart(_("培训人次"), labels, [(_("培训人次"), series["training_person_times"])]),
        charts.line_chart(
            _("调解案件"), labels, [(_("受理"), series["cases_received"]), (_("结案"), series["cases_closed"])]
        ),
    ]


def key_care_overdue_count(scope, today):
    """Key-care beneficiaries of the scope behind their visit cadence on ``today`` (the rule of
    ``BeneficiaryQuerySet.overdue``)."""
    return Beneficiary.objects.filter(scope.q("organization", "town")).overdue(today).count()


def figures_for_dashboard(month, scope):
    """``(compute(month, scope), trend(month, scope))``, kept in the cache for
    ``settings.DASHBOARD_CACHE_SECONDS`` (figures of a year at ten times the article's scale
    take about a second to compute; a dashboard may show them a few minutes old, and says when
    they were computed).  The PDF and ``--json`` always compute afresh."""
    key = f"dashboard-figures:{scope.key}:{month_start(month):%Y-%m}"
    cached = cache.get(key)
    if cached is None:
        cached = (compute(month, scope), trend(month, scope), timezone.localtime())
        cache.set(key, cached, settings.DASHBOARD_CACHE_SECONDS)
    return cached


def report_context(month, scope, *, with_overdue_on=None, cached=False):
    """Everything the dashboard and the PDF show for a month and scope: aggregates and the names
    of organizations and towns only, never personal data.  ``cached``: the dashboard's figures
    may come from the cache (see figures_for_dashboard)."""
    if cached:
        stats, series, computed_at = figures_for_dashboard(month, scope)
    else:
        stats, series, computed_at = compute(month, scope), trend(month, scope), timezone.localtime()
    rows = figure_rows(stats)
    context = {
        "stats": stats,
        "scope": scope,
        "month": month_start(month),
        "rows": rows,
        "sections": sections_of(rows),
        "by_town": table_rows(stats["by_town"], "town"),
        "by_organization": table_rows(stats["by_organization"], "organization"),
        "charts": trend_charts(series),
        "town_chart": charts.bar_chart(
            _("本月各镇街走访次数"), [r["town"] for r in stats["by_town"]], [r["visits"] for r in stats["by_town"]]
        )
        if len(stats["by_town"]) > 1
        else None,
        "generated_at": computed_at,
    }
    if with_overdue_on is not None:
        context["overdue"] = key_care_overdue_count(scope, with_overdue_on)
    return context


def all_scopes():
    """The district, each town and each active organization (what beat builds monthly)."""
    return (
        [Scope.district()]
        + [Scope.for_town(t) for t in Town.objects.all()]
        + [Scope.for_organization(o) for o in Organization.objects.active().select_related("town")]
    )
