"""The figures behind the pages and the PDF, ``(stats, series, computed_at)`` for a month and
scope (``statistics.compute()`` and ``trend()``), kept per scope and month in
``FigureSnapshot`` with the data generation they were computed at (``reports.generation``).

* The PDF and ``--json`` get exact figures: the snapshot when its generation is the current one
  (provably up to date: no write to a counted table committed since), computed afresh otherwise.
* The dashboard and the leader's home page get the snapshot when it is current or younger than
  ``DASHBOARD_CACHE_SECONDS``; an older one is shown (with its time) while the worker computes
  it again.  Only a scope and month never computed before is computed in the request.
* The worker computes them after imports and at night (``refresh_figures``), so the pages'
  first hit finds them ready.
"""

import datetime
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeAlias

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import outbox
from core.months import add_months, month_start

from . import generation
from .models import FigureSnapshot
from .statistics import Scope, Series, Statistics, compute, trend

logger = logging.getLogger(__name__)

REFRESH_ONE_TASK = "reports.tasks.refresh_scope_figures"

# (stats, series, computed_at): what pages and the PDF are given.
FigureSet: TypeAlias = tuple[Statistics, Series, datetime.datetime]


# --- typed values in JSON: Decimals and dates come back as they went in ----------------------


def _encode(value: object) -> object:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:  # JSON as stored: any shape
    if isinstance(value, dict):
        if len(value) == 1 and "$decimal" in value:
            return Decimal(value["$decimal"])
        if len(value) == 1 and "$date" in value:
            return datetime.date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _loads(data: Any) -> Any:  # a JSONField's value
    # A JSONField may hand back text on some backends' raw paths; the ORM gives Python values.
    return _decode(json.loads(data) if isinstance(data, str) else data)


# --- computing and storing ------------------------------------------------------------------


def fresh_figures(month: datetime.date, scope: Scope) -> FigureSet:
    return compute(month, scope), trend(month, scope), timezone.localtime()


def _store(month: datetime.date, scope: Scope, at_generation: int, figures: FigureSet, seconds: float) -> None:
    """Keeps ``figures`` computed at ``at_generation`` unless a snapshot of a later generation
    is already there (two workers: the newer one wins)."""
    stats, series, computed_at = figures
    values = {
        "generation": at_generation,
        "stats": _encode(stats),
        "series": _encode(series),
        "computed_at": computed_at,
        "seconds": seconds,
    }
    key, first = scope.key, month_start(month)
    updated = FigureSnapshot.objects.filter(scope_key=key, month=first, generation__lte=at_generation).update(**values)
    if not updated and not FigureSnapshot.objects.filter(scope_key=key, month=first).exists():
        try:
            with transaction.atomic():
                FigureSnapshot.objects.create(scope_key=key, month=first, **values)
        except IntegrityError:
            pass  # another worker stored them first


def compute_and_store(month: datetime.date, scope: Scope) -> FigureSet:
    """Computes the figures (the generation read first) and keeps them; returns them."""
    at_generation = generation.current()
    started = time.perf_counter()
    figures = fresh_figures(month, scope)
    _store(month, scope, at_generation, figures, time.perf_counter() - started)
    return figures


def _snapshot(month: datetime.date, scope: Scope) -> FigureSnapshot | None:
    return FigureSnapshot.objects.filter(scope_key=scope.key, month=month_start(month)).first()


def _figures_of(snapshot: FigureSnapshot) -> FigureSet:
    return _loads(snapshot.stats), _loads(snapshot.series), timezone.localtime(snapshot.computed_at)


# --- what pages and the PDF ask for ------------------------------------------------------------


def figures_for_report(month: datetime.date, scope: Scope) -> FigureSet:
    """Exact figures: the snapshot if no counted write committed since it was computed, else
    computed now (and kept)."""
    now_generation = generation.current()
    snapshot = _snapshot(month, scope)
    if snapshot is not None and snapshot.generation == now_generation:
        return _figures_of(snapshot)
    return compute_and_store(month, scope)


def is_current(snapshot: FigureSnapshot) -> bool:
    return snapshot.generation == generation.current()


def figures_for_dashboard(month: datetime.date, scope: Scope) -> FigureSet:
    """The dashboard's figures (see the module docstring): never computed in the request
    unless this scope and month were never computed."""
    snapshot = _snapshot(month, scope)
    if snapshot is None:
        return compute_and_store(month, scope)
    age = timezone.now() - snapshot.computed_at
    if age > datetime.timedelta(seconds=settings.DASHBOARD_CACHE_SECONDS) and not is_current(snapshot):
        ask_refresh(month, scope)
    return _figures_of(snapshot)


def ask_refresh(month: datetime.date, scope: Scope) -> None:
    """Has the worker compute a scope's figures again (once, however many pages ask)."""
    key = f"reports.figures:{scope.key}:{month_start(month):%Y-%m}"
    with transaction.atomic():
        outbox.enqueue(REFRESH_ONE_TASK, args=[scope.key, f"{month_start(month):%Y-%m}"], key=key)


def refresh(month: datetime.date, scope: Scope) -> bool:
    """The worker's job for one scope and month: computed again unless already current."""
    snapshot = _snapshot(month, scope)
    if snapshot is not None and is_current(snapshot):
        return False
    compute_and_store(month, scope)
    return True


def recent_months(today: datetime.date | None = None) -> list[datetime.date]:
    """The months pages open on: this month and the last (the monthly PDFs' month)."""
    this = month_start(today or timezone.localdate())
    return [this, add_months(this, -1)]


def refresh_all(scopes: Sequence[Scope], months: Iterable[datetime.date]) -> int:
    """Computes the figures of ``scopes`` x ``months`` that are not current.  Returns how many
    were computed."""
    done = 0
    for month in months:
        for scope in scopes:
            done += refresh(month, scope)
    generation.compact()
    logger.info("computed the figures of %d scope-months", done)
    return done


def refresh_kept(
    scope_from_key: Callable[[str], Scope | None], *, today: datetime.date | None = None, months_back: int = 12
) -> int:
    """Computes again the kept figures (those the night computed or someone looked at) of the
    last ``months_back`` months that are not current: what an import may have changed."""
    since = add_months(month_start(today or timezone.localdate()), -months_back)
    done = 0
    kept = FigureSnapshot.objects.filter(month__gte=since).order_by("-month", "scope_key")
    for key, month in kept.values_list("scope_key", "month"):
        scope = scope_from_key(key)
        if scope is not None:
            done += refresh(month, scope)
    generation.compact()
    return done
