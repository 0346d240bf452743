"""Pagination that never counts a whole table and never skips rows with OFFSET on a long list.

Every page counts the matching rows only up to ``COUNT_CAP`` with ``SELECT COUNT(*) FROM (...
LIMIT cap+1)``, which stops early; past the cap the page shows "1000+" (MEASURED.md: a full
COUNT(*) of 600k visits costs ~33 ms per page, and more with the joins a filter needs).

Long lists (visits, people, cases, projects, training) page by **keyset** (``keyset_paginate``):
the next page is "the rows after this one in the list's order", ``WHERE (visit_date, id) <
(d, i) ORDER BY visit_date DESC, id DESC LIMIT n+1``, which an index on the order's columns
answers by a seek, so page 12,000 costs what page 1 costs (OFFSET read and joined every skipped
row: 1 s at page 12,000 of the visits).  The links carry the row's id (``?after=<id>`` or
``?before=<id>``), never its values: a list ordered by name must not put a name in a URL.  The
row is looked up among the rows the user may see (``anchors``); an id that is not one of them
answers 404, like a record page.  ``page=<n>`` beside the cursor only numbers the page.

Short lists (organizations, the overdue list, review queues, logs) keep page numbers
(``paginate``), clamped to the counted pages."""

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import Http404, HttpRequest, QueryDict

from .generation import remembered

COUNT_CAP = 1000
# No list comes near this many rows; a page number past it (9223372036854775807) is answered
# with 404 before it reaches the database, whose OFFSET is a 64-bit integer.
MAX_OFFSET = 2**31
# Ids are positive 64-bit integers at most: anything else cannot be a row (and must not reach
# the database, which refuses an integer out of range with an error).
MAX_ID = 2**63 - 1
# The parameters that say which page; every other parameter of the list's URL is kept.
PAGE_PARAMETERS = ("page", "after", "before")

_Row = TypeVar("_Row")


class CappedPaginator:
    def __init__(self, count: int, per_page: int, capped: bool) -> None:
        self.count: int | str = f"{COUNT_CAP}+" if capped else count
        self.per_page = per_page
        self.capped = capped
        self.num_pages: int | None = None if capped else max(1, -(-count // per_page))


class Page(Generic[_Row]):
    """The part of Django's Page that templates use, without a full count, and the links to
    the pages beside it (``previous_link``, ``next_link``, ``first_link``: query strings
    starting with "?", or "" when there is no such page)."""

    def __init__(
        self,
        rows: Sequence[_Row],
        number: int | None,
        has_next: bool,
        paginator: CappedPaginator,
        *,
        has_previous: bool | None = None,
        query: str = "",
        next_params: dict[str, str] | None = None,
        previous_params: dict[str, str] | None = None,
    ) -> None:
        self.object_list = rows
        self.number = number
        self._has_next = has_next
        self._has_previous = (number or 0) > 1 if has_previous is None else has_previous
        self.paginator = paginator
        self.query = query
        number_or_none = number
        self.next_link = ""
        self.previous_link = ""
        if has_next:
            params = next_params or {"page": str((number_or_none or 1) + 1)}
            self.next_link = _link(query, params)
        if self._has_previous:
            if previous_params is None:
                previous = (number_or_none or 2) - 1
                previous_params = {"page": str(previous)} if previous > 1 else {}
            self.previous_link = _link(query, previous_params)
        self.first_link = _link(query, {}) if self._has_previous else ""

    def __iter__(self) -> Iterator[_Row]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return True  # a page exists even when empty (templates show "no rows")

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self._has_previous

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return (self.number or 1) + 1

    def previous_page_number(self) -> int:
        return max(1, (self.number or 2) - 1)

    @property
    def shows_first_link(self) -> bool:
        """A link to the first page besides "previous" (deep in a list)."""
        return bool(self.first_link) and self.previous_link != self.first_link


def _link(query: str, params: dict[str, str]) -> str:
    extra = "&".join(f"{key}={value}" for key, value in params.items())
    return "?" + "&".join(part for part in (query, extra) if part)


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _per_page(request: HttpRequest, per_page: int | None) -> int:
    return max(1, min(_int(request.GET.get("per_page"), per_page or settings.PAGINATE_BY), 200))


def list_query(request: HttpRequest) -> str:
    """The list's query string without the page parameters: its filters, sort and page size."""
    query: QueryDict = request.GET.copy()
    for name in PAGE_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


def _count(queryset: QuerySet[Any, Any]) -> tuple[int, bool]:
    matching = queryset.order_by() if queryset.query.can_filter() else queryset
    counted = matching[: COUNT_CAP + 1].count()
    return counted, counted > COUNT_CAP


def paginate(
    request: HttpRequest, queryset: QuerySet[Any, _Row] | Sequence[_Row], per_page: int | None = None
) -> tuple[Page[_Row], str]:
    """Returns (page, query string without ``page``) for ``?page=N&per_page=M`` (M up to 200).
    ``queryset`` may also be rows already read (a short list computed once, such as the
    overdue list): they are counted whole.

    Any page number answers a page or 404, never an error: a malformed, zero or negative one
    gives the first page; past the end of a counted list, its last page; past the end of a list
    of more than ``COUNT_CAP`` rows (not counted to the end), or beyond ``MAX_OFFSET``, 404."""
    per_page = _per_page(request, per_page)
    number = max(1, _int(request.GET.get("page"), 1))
    counted, capped = _count(queryset) if isinstance(queryset, QuerySet) else (len(queryset), False)
    if not capped:
        number = min(number, max(1, -(-counted // per_page)))
    offset = (number - 1) * per_page
    if offset >= MAX_OFFSET:
        raise Http404
    rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        raise Http404
    query = list_query(request)
    page = Page(rows[:per_page], number, len(rows) > per_page, CappedPaginator(counted, per_page, capped), query=query)
    return page, query


def _cursor(request: HttpRequest, name: str) -> int | None:
    """The id in ``?after=`` / ``?before=``: None when absent or empty; 404 when it cannot be
    an id (so a malformed cursor never reaches the database)."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise Http404
    value = int(raw)
    if not 1 <= value <= MAX_ID:
        raise Http404
    return value


def _field(order_item: str) -> tuple[str, bool]:
    """("-visit_date") -> ("visit_date", descending)."""
    return (order_item[1:], True) if order_item.startswith("-") else (order_item, False)


def beyond(order: Sequence[str], values: Sequence[Any]) -> Q:
    """The rows strictly after the row with ``values`` (one per field of ``order``) in that
    order.  Fields that run in one direction are compared as one row value, ``(visit_date, id)
    < (d, i)``, which PostgreSQL answers from an index on those columns; an order that changes
    direction (``-start_date, name, id``) is spelled out run by run, with the first run's bound
    repeated so that the index still narrows the scan."""
    runs: list[tuple[bool, list[tuple[str, Any]]]] = []
    for item, value in zip(order, values, strict=True):
        name, descending = _field(item)
        if runs and runs[-1][0] == descending:
            runs[-1][1].append((name, value))
        else:
            runs.append((descending, [(name, value)]))

    def strictly(descending: bool, pairs: list[tuple[str, Any]]) -> Q:
        if len(pairs) == 1:
            name, value = pairs[0]
            return Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        lookup = TupleLessThan if descending else TupleGreaterThan
        return Q(lookup(Tuple(*(F(name) for name, _v in pairs)), tuple(value for _n, value in pairs)))

    def equal(pairs: list[tuple[str, Any]]) -> Q:
        return Q(**dict(pairs))

    condition = strictly(*runs[-1])
    for descending, pairs in reversed(runs[:-1]):
        condition = strictly(descending, pairs) | (equal(pairs) & condition)
    if len(runs) > 1:
        descending, pairs = runs[0]
        name, value = pairs[0]
        condition &= Q(**{f"{name}__{'lte' if descending else 'gte'}": value})
    return condition


def reversed_order(order: Sequence[str]) -> tuple[str, ...]:
    return tuple(item[1:] if item.startswith("-") else f"-{item}" for item in order)


def keyset_paginate(
    request: HttpRequest,
    queryset: QuerySet[Any, _Row],
    order: Sequence[str],
    *,
    anchors: QuerySet[Any, Any],
    values: Sequence[str] = (),
    per_page: int | None = None,
    remember_count: Sequence[object] | None = None,
    ids_first: bool = False,
) -> tuple[Page[Any], str]:
    """Returns (page, the list's query string) for ``?after=<id>`` (the rows after that row),
    ``?before=<id>`` (the rows before it) or neither (the first page), ``per_page`` up to 200.

    ``order``: the list's order, its last field unique (``("-visit_date", "-id")``); every
    field must be a non-null column of the rows, so that each row has one place in it.
    ``anchors``: the rows a cursor may name, i.e. the list's rows before its filters (the user's
    visible rows): the cursor's row is looked up there (one query by primary key), so the link
    stays good when that row has since left the filtered list, and an id the user may not see
    answers 404 exactly like one that does not exist.
    ``values``: read the rows as dicts of these fields (``.values()``); the count is taken on
    ``queryset`` itself, so the joins that only the shown columns need are not made for it.
    ``remember_count``: what, besides the generation of the counted data, the count depends on
    (the list, the user's scope, the filters, the search); given, the count is remembered until
    a counted write commits (``core.generation.remembered``), not taken on every page.
    ``ids_first``: choose the page's ids in order first (the filters' tables only, in a
    subquery), then read those rows with the shown columns: for a list narrowed through another
    table (visits of the people a search found), where joining every matching row to keep 50
    costs more (visits searched "wxy" at scale 10: 4.2-4.7 ms -> 2.5 ms, one query).

    Any cursor answers a page or 404, never an error; a page after the last row is an empty
    page that links back to the first, and costs no more than the first."""
    per_page = _per_page(request, per_page)
    if ids_first and not values:
        raise ValueError("ids_first reads rows with .values(): give values")
    after, before = _cursor(request, "after"), _cursor(request, "before")
    if remember_count is None:
        counted, capped = _count(queryset)
    else:
        counted, capped = remembered("list-count", remember_count, lambda: _count(queryset))
    paginator = CappedPaginator(counted, per_page, capped)
    query = list_query(request)
    shown = _int(request.GET.get("page"), 0)
    number: int | None = shown if 2 <= shown <= MAX_OFFSET else None
    cursor = after if after is not None else before
    rows_of: QuerySet[Any, Any] = queryset.values(*values) if values else queryset

    def read(in_order: Sequence[str], condition: Q | None = None) -> list[Any]:
        """The first ``per_page + 1`` rows in ``in_order`` (after ``condition``)."""
        source = queryset if ids_first else rows_of
        chosen = source.order_by(*in_order)
        if condition is not None:
            chosen = chosen.filter(condition)
        if not ids_first:
            return list(chosen[: per_page + 1])
        ids = chosen.values("pk")[: per_page + 1]  # a subquery: one round trip
        # The rows by id alone: the filters are the subquery's (repeating them outside made
        # PostgreSQL plan them twice, 3 ms of planning).
        shown = queryset.model._default_manager.values(*values)
        return list(shown.filter(pk__in=ids).order_by(*in_order))

    if cursor is None:
        rows = read(order)
        next_params, previous_params = _links(rows, per_page, 1)
        first = Page(
            rows[:per_page],
            1,
            len(rows) > per_page,
            paginator,
            query=query,
            next_params=next_params,
            previous_params=previous_params,
        )
        return first, query
    names = [_field(item)[0] for item in order]
    anchor = anchors.filter(pk=cursor).values_list(*names).first()
    if anchor is None:
        raise Http404
    if after is not None:
        rows = read(order, beyond(order, anchor))
        page_rows = rows[:per_page]
        has_next, has_previous = len(rows) > per_page, True
    else:
        back = read(reversed_order(order), beyond(reversed_order(order), anchor))
        page_rows = back[:per_page][::-1]
        has_next, has_previous = True, len(back) > per_page
        if not has_previous:
            number = 1
    next_params, previous_params = _links(page_rows, per_page, number, has_next=has_next, has_previous=has_previous)
    page = Page(
        page_rows,
        number,
        has_next,
        paginator,
        has_previous=has_previous,
        query=query,
        next_params=next_params,
        previous_params=previous_params,
    )
    return page, query


def _pk(row: Any) -> Any:
    return row["id"] if isinstance(row, dict) else row.pk


def _links(
    rows: Sequence[Any],
    per_page: int,
    number: int | None,
    *,
    has_next: bool | None = None,
    has_previous: bool = False,
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """(next, previous): the cursors of the pages beside a page of ``rows``."""
    next_params: dict[str, str] | None = None
    previous_params: dict[str, str] | None = None
    shown = rows[:per_page]
    if shown and (has_next if has_next is not None else len(rows) > per_page):
        next_params = {"after": str(_pk(shown[-1])), **({"page": str(number + 1)} if number else {})}
    if shown and has_previous and number != 2:
        previous_params = {"before": str(_pk(shown[0]))}
        if number and number > 2:
            previous_params["page"] = str(number - 1)
    elif has_previous:
        # Page 2's previous page is the first; so is an empty page's past the end.
        previous_params = {}
    return next_params, previous_params
