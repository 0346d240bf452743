"""Celery entry points of the monthly reports."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from core.months import last_month

from .services import all_scopes, build_report, mark_failed, request_report

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,  # a report rebuilt twice is the same report: a rerun is harmless
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
    with backoff; any other failure (or the last retry) stores a Chinese message on the report."""
    try:
        return build_report(report_id)
    except TRANSIENT as exc:
        if self.request.retries >= MAX_RETRIES:
            mark_failed(report_id, exc)
        raise
    except Exception as exc:
        mark_failed(report_id, exc)
        return None


@shared_task
def build_last_month_reports():
    """Beat, on the 1st: last month's reports for the district, each town and each active
    organization (each built by its own task)."""
    month = last_month()
    scopes = all_scopes()
    for scope in scopes:
        request_report(month=month, scope=scope, user=None)
    logger.info("queued %d monthly reports for %s", len(scopes), month)
    return len(scopes)
