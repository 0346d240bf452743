"""Rows that keep background work safe across faults: the outbox of Celery work, the emails it
sends (each once) and the scheduled runs that a second beat must not repeat."""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task to run, written in the transaction of the change that causes it and relayed
    to the broker after commit (``core.outbox``).  A message stays pending, and is retried with
    backoff, until the broker has taken it; then it is marked sent."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENT = "sent", "sent"

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    # While a message with a key is pending, enqueueing the same key again adds nothing.
    key = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(status="pending") & ~models.Q(key=""),
                name="outbox_one_pending_per_key",
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]


class Email(models.Model):
    """One email, sent once: ``key`` names the message (a second send with the same key sends
    nothing), and delivery records ``sent_at`` under a row lock, so a message relayed twice is
    delivered once.  The body is cleared once sent: the mailbox has it, the portal need not."""

    key = models.CharField(max_length=200, unique=True)
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class ScheduledRun(models.Model):
    """A scheduled job's run for one period ("monthly-reports", "2026-09"): the first worker to
    insert it does the work, a second beat's run finds it and does nothing."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=100)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]
