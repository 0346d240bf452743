"""Celery entry points of the outbox and the emails."""

import smtplib

from celery import shared_task

from . import mail, outbox


# celery ships no type information: its decorators are untyped (the functions stay typed for callers).
@shared_task(name="core.relay_outbox", acks_late=True, time_limit=120, soft_time_limit=100)  # type: ignore[untyped-decorator]
def relay_outbox() -> int:
    """Beat, every OUTBOX_RELAY_SECONDS: publishes what the after-commit relay could not (the
    broker was down, the web process died before publishing)."""
    total = 0
    while sent := outbox.relay():
        total += sent
    return total


@shared_task(  # type: ignore[untyped-decorator]  # celery: untyped
    name="core.deliver_email",
    acks_late=True,
    reject_on_worker_lost=True,  # delivery is idempotent: a rerun finds the email sent
    time_limit=120,
    soft_time_limit=100,
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=12,
)
def deliver_email(email_id: int) -> bool:
    return mail.deliver(email_id)


@shared_task(name="core.purge_sent", time_limit=300, soft_time_limit=280)  # type: ignore[untyped-decorator]  # celery: untyped
def purge_sent() -> int:
    """Beat, daily: sent outbox messages after a week, sent emails after a month."""
    return outbox.purge_sent() + mail.purge_sent()
