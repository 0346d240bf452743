"""Rows that keep background work safe across faults: the outbox of Celery work, the emails it
sends (each once) and the scheduled runs that a second beat must not repeat; and the portal's
notifications (the bell), which announce the same events inside the portal."""

from django.conf import settings
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


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know, shown under the bell in the portal's header and sent by
    email with the same text (``core.notifications.notify``).  ``key`` names the event: one
    notification per person and key, however often the event is announced."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # What kind of event (report_returned, pdf_ready...): for filtering and styling, never shown.
    kind = models.CharField(max_length=40)
    text = models.TextField()
    # A path inside the portal (the email carries it made absolute).
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user_key")]
        indexes = [
            # The bell's count: a person's unread notifications.
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return self.text[:50]
