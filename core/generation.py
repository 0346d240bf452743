"""Figures remembered until the counted data changes, for the apps below ``reports``.

``reports.generation`` owns the *generation* of the counted data: a number that every committed
write to a counted table raises (database triggers, so bulk imports and ``update()`` count too).
It lives in ``reports``, above the domain apps, so it registers its reader here
(``ReportsConfig.ready`` calls ``provide``) and a list page below it can key a cache on it
without importing ``reports``.  Without a reader (``reports`` not installed) nothing is
remembered: every call computes.

``remembered(name, parts, compute)`` returns figures computed at the current generation:

* read the generation, then the cache under (name, generation, parts);
* on a miss compute, and keep the result only if the generation did not move meanwhile (no
  write committed while the figures were computed, so they are exactly that generation's);
* any later committed write changes the generation, so the key, and the next request computes.

``parts`` must name everything else the figures depend on: the user's scope (whose rows) and
the filters (``PortalFilterSet.chosen()``, which names the user too).  The day is always part of
the key, but visibility that changes with the clock within a day is not covered: an access
grant (``beneficiaries.AccessGrant``) ends at any moment, so lists of records visible through
grants (people, referrals) must not be remembered this way; the lists that are (training
figures, visit counts) have no grant in their scope.

Two cases compute without remembering: inside a transaction (its own uncommitted writes would
count in the generation it reads, and a rollback would leave figures of data that never
existed under a number a later write reaches), and when the cache cannot be reached (a miss:
``core.cache`` already falls back to local memory when Redis is down).  A restored backup takes
the generation back to an older number: ``forget()`` (called by ``manage.py restore``) replaces
the epoch that every key carries, so nothing remembered before the restore is read after it."""

import hashlib
import logging
import secrets
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Kept at most a day: the key changes with the day anyway.
REMEMBER_SECONDS = 24 * 3600

EPOCH_KEY = "figures:epoch"

_reader: Callable[[], int] | None = None


def provide(reader: Callable[[], int]) -> None:
    """Registers the function that reads the generation (``reports.generation.current``)."""
    global _reader
    _reader = reader


def current() -> int | None:
    """The generation now, or None when no app provides one."""
    return None if _reader is None else _reader()


def forget() -> None:
    """Nothing remembered so far is read again (a new epoch)."""
    cache.set(EPOCH_KEY, secrets.token_hex(4), None)


def _epoch() -> str:
    epoch = cache.get(EPOCH_KEY)
    if not isinstance(epoch, str):
        cache.add(EPOCH_KEY, secrets.token_hex(4), None)
        epoch = cache.get(EPOCH_KEY)
    if not isinstance(epoch, str):
        raise LookupError("no figures epoch in the cache")
    return epoch


def figures_key(name: str, epoch: str, generation: int, parts: Sequence[object]) -> str:
    digest = hashlib.sha256(repr((str(timezone.localdate()), *parts)).encode()).hexdigest()[:32]
    return f"figures:{name}:{epoch}:{generation}:{digest}"


def remembered(name: str, parts: Sequence[object], compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``parts`` at the current generation (see the module)."""
    if connection.in_atomic_block:
        return compute()
    before = current()
    if before is None:
        return compute()
    try:
        key = figures_key(name, _epoch(), before, parts)
        kept = cache.get(key)
    except Exception:  # a cache error is a miss, never an error page
        logger.warning("figures cache unreadable (%s)", name, exc_info=True)
        return compute()
    if kept is not None:
        return kept  # type: ignore[no-any-return]
    value = compute()
    if current() == before:
        try:
            cache.set(key, value, REMEMBER_SECONDS)
        except Exception:
            logger.warning("figures cache unwritable (%s)", name, exc_info=True)
    return value
