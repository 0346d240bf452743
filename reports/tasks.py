"""Celery entry points of the monthly reports."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from core.months import last_month, parse_month
from core.scheduling import claim_run

from .building import ReportBusy, build_report, mark_failed, reports_sweep_stuck
from .figures import recent_months, refresh, refresh_all, refresh_kept
from .files import reports_purge_orphan_files
from .presentation import all_scopes, scope_from_key
from .services import request_report

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
MAX_RETRIES = 3
BUSY_WAIT = 15  # seconds between looks at a report another build holds
BUSY_RETRIES = 40  # ten minutes: longer than a build may take (time_limit)


@shared_task(
    bind=True,
    acks_late=True,  # a report rebuilt twice is the same report: a rerun is harmless
    reject_on_worker_lost=True,  # a build whose worker died goes back to the queue
    time_limit=300,
    soft_time_limit=270,
    autoretry_for=TRANSIENT,
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def build_monthly_report(self, report_id):
    """Builds the PDF of ``MonthlyReport`` ``report_id``.  Transient database errors are retried
    with backoff; any other failure (or the last retry) stores a Chinese message on the report.
    While another build of the same report runs, this one waits for it and then builds only if
    a request came after that build started."""
    try:
        return build_report(report_id)
    except ReportBusy:
        if self.request.retries >= BUSY_RETRIES:
            mark_failed(report_id, TimeoutError("another build never finished"))
            return None
        raise self.retry(countdown=BUSY_WAIT, max_retries=BUSY_RETRIES) from None
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            mark_failed(report_id, exc)
        raise
    except Exception as exc:
        mark_failed(report_id, exc)
        return None


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def build_last_month_reports():
    """Beat, on the 1st: last month's reports for the district, each town and each active
    organization (each built by its own task).  Once per month however many beats run: the
    run is claimed in the transaction that queues the builds."""
    month = last_month()
    with transaction.atomic():
        if not claim_run("monthly-reports", f"{month:%Y-%m}"):
            logger.info("monthly reports for %s already queued", month)
            return 0
        scopes = all_scopes()
        for scope in scopes:
            request_report(month=month, scope=scope, user=None)
    logger.info("queued %d monthly reports for %s", len(scopes), month)
    return len(scopes)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_stuck_reports():
    """Beat, every SWEEP_SECONDS: reports whose build died are marked failed, to be retried."""
    return reports_sweep_stuck()


@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def purge_orphan_report_files():
    """Beat, daily: PDFs no report points to."""
    return reports_purge_orphan_files()


# Within the broker's visibility timeout like every task (ten districts' scale: about 130 s).
@shared_task(acks_late=True, time_limit=600, soft_time_limit=570)
def refresh_figures(only_existing=False):
    """Beat, nightly (``only_existing=False``): this month's and last month's figures of the
    district, each town and each active organization, so that no page computes them.  After an
    import (``only_existing=True``): those already kept of the last twelve months.  Figures
    still current are skipped."""
    if only_existing:
        return refresh_kept(scope_from_key)
    return refresh_all(all_scopes(), recent_months())


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def refresh_scope_figures(scope_key, month):
    """One scope's figures, asked for by a page that showed them older than allowed."""
    scope = scope_from_key(scope_key)
    if scope is None:
        return False
    return refresh(parse_month(month), scope)
