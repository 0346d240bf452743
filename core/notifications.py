"""Notifications: what a person should know about (a report returned, an import finished, a PDF
ready, an invitation, a referral), shown under the bell in the portal's header and sent by email
with the same text and an absolute link.

``notify`` is the one way in.  Call it inside the transaction of the change it announces (as
``core.mail.send_email``): the notifications are written with the change and the emails go out
once after the commit.  ``key`` names the event ("projects.report-returned:12:2026-11-30T..."):
announcing it again (a task run twice, a second click) adds nothing for anyone already told.

Any app may call it; for example the referrals app, when a referral arrives::

    notify(
        users=admins_of(referral.to_organization),
        kind="referral_received",
        text=_("%(org)s 向贵组织转介了一位服务对象（%(reason)s），请在 7 天内接收或拒绝。") % {...},
        url=reverse("referrals:detail", args=[referral.pk]),
        key=f"referrals.received:{referral.pk}",
    )

Texts are written by the caller in the portal's language (``core.mail.email_language()``) and
name no personal data: a notification is a pointer to a page that checks access again."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .mail import absolute_url, email_language, send_email
from .models import Notification

SUBJECT_LENGTH = 60


def _subject(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    if len(first_line) > SUBJECT_LENGTH:
        first_line = first_line[: SUBJECT_LENGTH - 1] + "…"
    with email_language():
        return _("【兰馨HUI】%(text)s") % {"text": first_line}


def _recipients(users: Iterable[Any]) -> list[Any]:
    """Active users, each once, in id order (inactive accounts are told nothing)."""
    if isinstance(users, QuerySet):
        users = users.filter(is_active=True)
    unique = {user.pk: user for user in users if user is not None and user.is_active}
    return [unique[pk] for pk in sorted(unique)]


@transaction.atomic
def notify(*, users: Iterable[Any], kind: str, text: str, url: str, key: str, subject: str = "") -> list[Notification]:
    """Tells ``users`` about one event: a notification in the portal for each (unread until
    opened) and the same ``text`` by email with ``url`` (a path such as ``/projects/reports/5/``)
    made absolute, in the caller's transaction.  Exactly once per person and ``key``: a second
    call with the same key writes and sends nothing to those already told.  ``subject``: the
    email's subject (default: "【兰馨HUI】" and the first line of the text).  Returns the
    notifications created by this call."""
    people = _recipients(users)
    if not people:
        return []
    key = key[:200]
    told = set(Notification.objects.filter(key=key, user__in=[p.pk for p in people]).values_list("user_id", flat=True))
    fresh = [person for person in people if person.pk not in told]
    now = timezone.now()
    # ignore_conflicts: a concurrent call with the same key may have written some rows first.
    Notification.objects.bulk_create(
        [Notification(user=person, kind=kind, text=text, url=url, key=key, created_at=now) for person in fresh],
        ignore_conflicts=True,
    )
    link = absolute_url(url) if url else ""
    body = f"{text}\n\n{link}\n" if link else f"{text}\n"
    subject = subject or _subject(text)
    for person in fresh:
        if person.email:
            # One email per person (the recipients do not see each other), keyed like the row.
            send_email(key=f"notify:{key}:{person.pk}", to=[person.email], subject=subject, body=body)
    return list(Notification.objects.filter(key=key, user__in=[p.pk for p in fresh], created_at=now))


def unread_count(user: Any) -> int:
    """The bell's number: one indexed COUNT."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user).unread().count()


def mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, user: Any) -> int:
    """Marks every unread notification of ``user`` read; returns how many."""
    return Notification.objects.filter(user=user).unread().update(read_at=timezone.now())
