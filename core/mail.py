"""Every email the portal sends goes through ``send_email``: recorded in the caller's
transaction, delivered by the worker after commit (through the outbox), exactly once per key,
with links made absolute from ``settings.SITE_URL`` (a worker has no request to take a host
from)."""

import datetime
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from . import outbox
from .models import Email

logger = logging.getLogger(__name__)

DELIVER_TASK = "core.deliver_email"


def absolute_url(path: str) -> str:
    """``/projects/reports/3/`` -> ``https://lanxin.example.cn/projects/reports/3/``."""
    return settings.SITE_URL.rstrip("/") + path


@contextmanager
def email_language() -> Iterator[None]:
    """Mails are written in the portal's language, whatever the sender's page was in."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def send_email(*, key: str, to: Iterable[str | None], subject: str, body: str, html: str = "") -> Email | None:
    """Sends ``subject`` and ``body`` to the addresses ``to``, once: the email is recorded in the
    current transaction and delivered after it commits; if an email with ``key`` was already
    recorded (a task run twice, a second beat), nothing more is sent and that email is
    returned.  Returns None when there is nobody to send to."""
    addresses = sorted({address for address in to if address})
    if not addresses:
        return None
    existing = Email.objects.filter(key=key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            email = Email.objects.create(key=key[:200], to=addresses, subject=subject[:300], body=body, html=html)
    except IntegrityError:
        return Email.objects.get(key=key)
    outbox.enqueue(DELIVER_TASK, args=[email.pk], key=f"email:{email.pk}")
    return email


def message_id(email: Email) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<email-{email.pk}-{int(email.created_at.timestamp())}@{host}>"


def deliver(email_id: int) -> bool:
    """Hands email ``email_id`` to the mail server unless it was already sent (a duplicate relay
    sends nothing): the row stays locked until ``sent_at`` is committed.  Returns True if sent."""
    with transaction.atomic():
        email = Email.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.sent_at is not None:
            return False
        message = EmailMultiAlternatives(
            email.subject,
            email.body,
            settings.DEFAULT_FROM_EMAIL,
            email.to,
            # One Message-ID per key: a mail server or client that sees it twice keeps one.
            headers={"Message-ID": message_id(email)},
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        message.send()
        email.sent_at = timezone.now()
        email.body = email.html = ""
        email.save(update_fields=["sent_at", "body", "html"])
    logger.info("email %s sent", email_id)
    return True


def purge_sent(*, older_than_days: int = 30) -> int:
    """Sent emails' rows (keys, subjects, recipients) are kept a month, then deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _ = Email.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
