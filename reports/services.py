"""Who may see which figures, asking for a report, building it, and the context shared by the
dashboard and the PDF."""

import datetime
import logging
import os
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from beneficiaries.models import Beneficiary
from core import outbox
from core.locks import advisory_lock
from core.months import month_start
from core.roles import Role, role_of
from organizations.access import member_org_ids
from organizations.models import Organization, Town
from referrals.figures import between_service_areas

from . import charts
from .models import MonthlyReport
from .notifications import notify_report_ready
from .statistics import FIGURE_KEYS, FIGURE_LABELS, RATE_KEYS, Periods, Scope, compute, trend

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

BUILD_TASK = "reports.tasks.build_monthly_report"
MAX_ATTEMPTS = 5  # builds started for one request before it is given up (a report that kills its worker)


class ReportBusy(Exception):
    """Another build of the same report is under way; this one waits for it."""


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
            "requested_at": timezone.now(),
            "attempts": 0,
        },
    )
    return report


def build_key(report_id):
    return f"reports.build:{report_id}"


@transaction.atomic
def request_report(*, month, scope, user):
    """Asks for the report of ``scope`` and ``month``: one ``MonthlyReport`` per scope and
    month (asking again rebuilds it), built by the worker once this transaction commits.  The
    build is recorded in the outbox with the request: it survives a broker that is down."""
    if user is not None and not may_request(user, scope):
        raise PermissionDenied
    report = _save_request(month=month, scope=scope, user=user)
    outbox.enqueue(BUILD_TASK, args=[report.pk], key=build_key(report.pk))
    return report


@transaction.atomic
def report_retry(*, report, user):
    """Asks again for a report whose build failed (its worker died, the database was away):
    for anyone who may ask for the report."""
    locked = (
        MonthlyReport.objects.select_for_update(of=("self",)).select_related("town", "organization").get(pk=report.pk)
    )
    scope = scope_for_report(locked)
    if not may_request(user, scope):
        raise PermissionDenied
    if locked.status != MonthlyReport.Status.FAILED:
        raise ValidationError(_("只有生成失败的报告可以重试。"))
    return request_report(month=locked.month, scope=scope, user=user)


def prepare_report(*, month, scope):
    """The row the management command builds synchronously (no user, no queue)."""
    return _save_request(month=month, scope=scope, user=None)


def _start(report_id):
    """Marks the report as being built and returns it, or returns None when its latest request
    is already answered (a message delivered twice) or was tried MAX_ATTEMPTS times."""
    with transaction.atomic():
        report = (
            MonthlyReport.objects.select_for_update(of=("self",))
            .select_related("town", "organization")
            .get(pk=report_id)
        )
        answered = report.started_at and report.requested_at and report.started_at >= report.requested_at
        if report.status == MonthlyReport.Status.DONE and answered:
            return None
        if report.attempts >= MAX_ATTEMPTS:
            report.status = MonthlyReport.Status.FAILED
            report.error = _("报告生成失败：生成过程多次中断。请稍后重试；如仍失败，请联系管理员。")
            report.save()
            return None
        report.started_at, report.attempts = timezone.now(), report.attempts + 1
        report.status, report.progress, report.error = MonthlyReport.Status.RUNNING, 10, ""
        report.save()
        return report


def _set_progress(report_id, **fields):
    # Each step is also the build's heartbeat (updated_at), which the sweeper reads.
    MonthlyReport.objects.filter(pk=report_id).update(updated_at=timezone.now(), **fields)


def build_report(report_id):
    """Renders the PDF of one ``MonthlyReport`` and stores it under REPORT_STORAGE_ROOT with an
    unguessable name, replacing (and deleting) the previous file of the same scope and month.
    Builds of one report run one at a time (an advisory lock, released even if the worker is
    killed; ReportBusy for the second); the file is written under a temporary name, renamed,
    and swapped in under the row's lock, so no build leaves an orphan file."""
    from .pdf import render_pdf

    with advisory_lock(build_key(report_id)) as acquired:
        if not acquired:
            raise ReportBusy(report_id)
        report = _start(report_id)
        if report is None:
            return None
        context = report_context(report.month, scope_for_report(report))
        _set_progress(report_id, progress=40)
        pdf = render_pdf(context)
        _set_progress(report_id, progress=90)
        return _store_pdf(report, pdf)


def _store_pdf(report, pdf):
    root = Path(settings.REPORT_STORAGE_ROOT)
    relative = f"{report.month:%Y-%m}/{secrets.token_urlsafe(24)}.pdf"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(pdf)
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        old = locked.file
        os.replace(partial, target)
        locked.status, locked.progress, locked.file = MonthlyReport.Status.DONE, 100, relative
        locked.error, locked.built_at = "", timezone.now()
        locked.save()
        notify_report_ready(locked, scope_for_report(report))
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
        MonthlyReport.objects.filter(pk=report_id).update(
            status=MonthlyReport.Status.FAILED, error=failure_message(exc), updated_at=timezone.now()
        )
    except DatabaseError:
        logger.exception("could not record the failure of monthly report %s", report_id)


INTERRUPTED = gettext_lazy("报告生成中断（处理程序停止运行）。可以点击“重试”重新生成。")


def reports_sweep_stuck(*, now=None):
    """Reports whose build stopped without a word (its worker was killed): building with no
    progress for REPORT_STUCK_AFTER seconds, or queued for QUEUED_STUCK_AFTER seconds while no
    message for them waits in the outbox (the broker lost it).  They are marked failed, to be
    retried from their page.  Returns how many."""
    now = now or timezone.now()
    waiting = [int(key.rsplit(":", 1)[1]) for key in outbox.pending_keys(prefix="reports.build:")]
    stuck = MonthlyReport.objects.filter(
        Q(
            status=MonthlyReport.Status.RUNNING,
            updated_at__lt=now - datetime.timedelta(seconds=settings.REPORT_STUCK_AFTER),
        )
        | Q(
            status=MonthlyReport.Status.PENDING,
            updated_at__lt=now - datetime.timedelta(seconds=settings.QUEUED_STUCK_AFTER),
        )
    ).exclude(pk__in=waiting)
    with translation.override(settings.LANGUAGE_CODE):
        count = stuck.update(status=MonthlyReport.Status.FAILED, error=str(INTERRUPTED), updated_at=now)
    if count:
        logger.warning("marked %d stuck monthly report(s) as failed", count)
    return count


ORPHAN_AGE = datetime.timedelta(hours=1)


def reports_purge_orphan_files(*, now=None):
    """PDFs and partial files under REPORT_STORAGE_ROOT that no report points to (a build killed
    between writing and recording its file), once an hour old.  Returns how many."""
    root = Path(settings.REPORT_STORAGE_ROOT)
    if not root.is_dir():
        return 0
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    kept = set(MonthlyReport.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for path in list(root.rglob("*.pdf")) + list(root.rglob("*.part")):
        relative = path.relative_to(root).as_posix()
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if relative not in kept and modified < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


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
    if current is None or previous is None:  # a median of nothing
        return "—"
    if isinstance(current, float) or isinstance(previous, float):
        return f"{current - previous:+.1f}"
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
    "referrals": FIGURE_KEYS[FIGURE_KEYS.index("referrals_made") :],
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
        "referral_areas": referral_areas(month, scope),
    }
    if with_overdue_on is not None:
        context["overdue"] = key_care_overdue_count(scope, with_overdue_on)
    return context


def referral_areas(month, scope):
    periods = Periods.for_month(month)
    return between_service_areas(periods.month, periods.ytd, scope)


def all_scopes():
    """The district, each town and each active organization (what beat builds monthly)."""
    return (
        [Scope.district()]
        + [Scope.for_town(t) for t in Town.objects.all()]
        + [Scope.for_organization(o) for o in Organization.objects.active().select_related("town")]
    )
