"""The Celery app.  Tasks live in each app's ``tasks.py``; beat's schedule is set here."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fenghua_portal.settings")

app = Celery("fenghua_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Last month's reports for the district, each town and each organization, 02:00 on the 1st.
    "monthly-reports": {
        "task": "reports.tasks.build_last_month_reports",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
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
