"""The transactional outbox: nothing a user saves depends on the broker being up.

``enqueue`` writes the task to ``OutboxMessage`` in the caller's transaction, so the work is
recorded exactly when the change that causes it commits (Celery's ``delay()`` after commit can
fail, and then the work is lost while the page 500s).  After the commit:

- in-process mode (no broker: ``make run``, tests) the task runs at once, in this process;
- with a broker, a background thread publishes the message, so that a broker that refuses or
  hangs never fails or slows the request; when the broker is down the message stays pending
  and ``relay()`` (beat, every ``OUTBOX_RELAY_SECONDS``) publishes it with backoff once the
  broker is back, however long that takes.

A message may be published twice (a relay that dies between publishing and marking it sent),
so every task enqueued here must be idempotent; emails are, through ``core.mail``.
"""

import datetime
import logging
import os
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypedDict

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

RELAY_BATCH = 200
# After a failed publish this process leaves the broker alone for a while (the next request
# does not wait for the same timeout); the beat relay catches up.
BROKER_PAUSE_SECONDS = 15


class _State(TypedDict):
    broker_down_until: float  # time.monotonic() until which the broker is left alone
    executor: ThreadPoolExecutor | None
    pid: int | None  # the process the executor was made in


_state: _State = {"broker_down_until": 0.0, "executor": None, "pid": None}
_lock = threading.Lock()


def enqueue(
    task: Any, *, args: Iterable[Any] = (), kwargs: Mapping[str, Any] | None = None, key: str = ""
) -> OutboxMessage:
    """Records that ``task`` (a Celery task or its registered name) must run with ``args`` and
    ``kwargs`` once the current transaction commits, and returns the ``OutboxMessage``.  With a
    ``key``, a message with the same key that is still pending is returned instead of adding a
    second one (ask for the same report twice before it is relayed: one build)."""
    name = task if isinstance(task, str) else task.name
    if key:
        pending = OutboxMessage.objects.filter(key=key, status=OutboxMessage.Status.PENDING).first()
        if pending is not None:
            return pending
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                task_name=name, args=list(args), kwargs=dict(kwargs or {}), key=key or ""
            )
    except IntegrityError:
        # A concurrent transaction enqueued the same key first.
        return OutboxMessage.objects.get(key=key, status=OutboxMessage.Status.PENDING)
    transaction.on_commit(lambda: relay_after_commit([message.pk]))
    return message


def is_eager() -> bool:
    return bool(current_app.conf.task_always_eager)


def relay_after_commit(ids: Sequence[int]) -> None:
    """Runs (in-process mode) or publishes (broker) the messages just committed."""
    if is_eager():
        relay(ids=ids)
        return
    if broker_paused():
        return  # the beat relay publishes them when the broker is back
    _executor().submit(_relay_in_thread, ids)


def broker_paused() -> bool:
    return time.monotonic() < _state["broker_down_until"]


def _executor() -> ThreadPoolExecutor:
    # One thread per process, created after any fork (gunicorn, Celery's pool).
    with _lock:
        executor = _state["executor"]
        if executor is None or _state["pid"] != os.getpid():
            executor = _state["executor"] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-relay")
            _state["pid"] = os.getpid()
        return executor


def _relay_in_thread(ids: Sequence[int]) -> None:
    try:
        relay(ids=ids)
    except Exception:
        logger.exception("outbox relay after commit failed; beat will retry")
    finally:
        connections.close_all()  # this thread's connections only


def backoff(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: 2, 4, 8 ... up to
    ``OUTBOX_MAX_BACKOFF_SECONDS``."""
    doubled: int = 2**attempts  # int ** int is typed Any (a negative power would be a float)
    return min(doubled, int(settings.OUTBOX_MAX_BACKOFF_SECONDS))


def relay(*, ids: Sequence[int] | None = None, limit: int = RELAY_BATCH) -> int:
    """Publishes the pending messages that are due (only ``ids`` if given) and marks them sent;
    returns how many went out.  Rows are claimed with ``SKIP LOCKED``, so concurrent relays
    never take the same message.  After a broker error the rest wait for a later run."""
    if is_eager():
        return _run_in_process(ids, limit)
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now())
        if ids is not None:
            due = due.filter(pk__in=ids)
        messages = list(due.select_for_update(skip_locked=True).order_by("pk")[:limit])
        if not messages:
            return 0
        published, error = _publish_all(current_app, messages)
        now = timezone.now()
        for message in messages:
            message.attempts += 1
            if message in published:
                message.status, message.sent_at = OutboxMessage.Status.SENT, now
            else:
                message.next_attempt_at = now + datetime.timedelta(seconds=backoff(message.attempts))
                message.last_error = f"{error.__class__.__name__}: {error}"[:300]
        OutboxMessage.objects.bulk_update(messages, ["status", "sent_at", "attempts", "next_attempt_at", "last_error"])
    return len(published)


def _publish_all(app: Any, messages: list[OutboxMessage]) -> tuple[list[OutboxMessage], Exception | None]:
    """Publishes in order until the broker fails; returns (published messages, the error)."""
    published: list[OutboxMessage] = []
    try:
        with app.producer_or_acquire() as producer:
            # Fail at once when the broker is away instead of going through kombu's retries.
            producer.connection.ensure_connection(max_retries=0)
            for message in messages:
                _publish(app, producer, message)
                published.append(message)
    except Exception as exc:
        _state["broker_down_until"] = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "outbox: broker unavailable (%s); %d message(s) wait",
            exc.__class__.__name__,
            len(messages) - len(published),
        )
        return published, exc
    _state["broker_down_until"] = 0.0
    return published, None


def _publish(app: Any, producer: Any, message: OutboxMessage) -> None:
    app.send_task(
        message.task_name,
        args=message.args,
        kwargs=message.kwargs,
        task_id=f"outbox-{message.pk}",
        producer=producer,
        retry=False,
        ignore_result=True,
    )


def _run_in_process(ids: Sequence[int] | None, limit: int) -> int:
    """In-process mode: the messages are marked sent, then their tasks run here, outside the
    transaction (a task's own transactions and failures stay its own)."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        if ids is not None:
            due = due.filter(pk__in=ids)
        messages = list(due.select_for_update(skip_locked=True).order_by("pk")[:limit])
        now = timezone.now()
        for message in messages:
            message.status, message.sent_at, message.attempts = OutboxMessage.Status.SENT, now, message.attempts + 1
        OutboxMessage.objects.bulk_update(messages, ["status", "sent_at", "attempts"])
    for message in messages:
        _task(message.task_name).apply(args=message.args, kwargs=message.kwargs)
    return len(messages)


def _task(name: str) -> Any:
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # the apps' tasks.py (autodiscovery)
    return current_app.tasks[name]


def pending_keys(*, prefix: str) -> list[str]:
    """Keys of the pending messages that start with ``prefix`` (work still waiting for the
    broker is not stuck)."""
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, key__startswith=prefix)
    return list(pending.values_list("key", flat=True))


def backlog() -> tuple[int, int]:
    """(pending messages, age in seconds of the oldest) for the health page and operators."""
    pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    age = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return pending.count(), age


def purge_sent(*, older_than_days: int = 7) -> int:
    """Sent messages are kept a week (to see what went out), then deleted."""
    cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
    deleted, _ = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted
