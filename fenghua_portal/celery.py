"""The Celery app.  Tasks live in each app's ``tasks.py``; beat's schedule is set here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenghua_portal.settings")

app = Celery("fenghua_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _seconds(name):
    from django.conf import settings

    return getattr(settings, name)


# Jobs that run on a date guard themselves (core.scheduling.claim_run): a second beat's run
# does nothing.  The relay and the sweepers are safe to run twice.
app.conf.beat_schedule = {
    # Work the web processes could not hand to the broker (it was down) goes out from here.
    # Frequent jobs expire: a worker down for hours does not find a pile of them.
    "relay-outbox": {
        "task": "core.relay_outbox",
        "schedule": _seconds("OUTBOX_RELAY_SECONDS"),
        "options": {"expires": 60},
    },
    # Reports and imports whose worker died are marked failed, to be retried.
    "sweep-stuck-reports": {
        "task": "reports.tasks.sweep_stuck_reports",
        "schedule": _seconds("SWEEP_SECONDS"),
        "options": {"expires": 120},
    },
    "sweep-stuck-imports": {
        "task": "spreadsheets.tasks.sweep_stuck_imports",
        "schedule": _seconds("SWEEP_SECONDS"),
        "options": {"expires": 120},
    },
    "purge-sent-messages": {"task": "core.purge_sent", "schedule": crontab(minute=45, hour=3)},
    # This month's and last month's figures of every scope, ready before anyone opens a page
    # (and before the monthly reports at 02:00 on the 1st, which then find them current).
    "refresh-figures": {
        "task": "reports.tasks.refresh_figures",
        "schedule": crontab(minute=30, hour=1),
    },
    # Last month's reports for the district, each town and each organization, 02:00 on the 1st.
    "monthly-reports": {
        "task": "reports.tasks.build_last_month_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    # Referrals waiting too long or accepted without an outcome: both sides told, once each, daily.
    "referrals-overdue": {"task": "referrals.tasks.notify_overdue", "schedule": crontab(minute=0, hour=8)},
    # PDFs no report points to (a build killed between writing and recording its file).
    "purge-orphan-report-files": {
        "task": "reports.tasks.purge_orphan_report_files",
        "schedule": crontab(minute=15, hour=4),
    },
    # Uploaded sheets nobody confirmed or cancelled: removed after a day.
    "purge-stale-uploads": {
        "task": "spreadsheets.tasks.purge_stale_uploads",
        "schedule": crontab(minute=30, hour=3),
    },
    # Sign-in events past SIGNIN_AUDIT_RETENTION_DAYS (at least 180 days), daily.
    "purge-signin-events": {
        "task": "accounts.tasks.purge_signin_events",
        "schedule": crontab(minute=45, hour=3),
    },
    # Key-care beneficiaries behind their visit cadence, every Monday morning.
    "overdue-visit-digest": {
        "task": "beneficiaries.tasks.send_overdue_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
}


@app.task(name="fenghua_portal.ping")
def ping():
    """Answers 'pong'; used by the health check and the worker test."""
    return "pong"
