"""Pagination that never counts a whole table for a page.

A page fetches its rows plus one (to know whether a next page exists) and counts the matching
rows only up to ``COUNT_CAP`` with ``SELECT COUNT(*) FROM (... LIMIT cap+1)``, which stops
early; past the cap the page shows "1000+".  Lists fetch one page with its related rows in a
fixed number of queries, however many rows match (MEASURED.md: a full COUNT(*) of 600k visits
costs ~33 ms per page, and more with the joins a filter needs)."""

from collections.abc import Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

COUNT_CAP = 1000
# No list comes near this many rows; a page number past it (9223372036854775807) is answered
# with 404 before it reaches the database, whose OFFSET is a 64-bit integer.
MAX_OFFSET = 2**31

_Row = TypeVar("_Row")


class CappedPaginator:
    def __init__(self, count: int, per_page: int, capped: bool) -> None:
        self.count: int | str = f"{COUNT_CAP}+" if capped else count
        self.per_page = per_page
        self.capped = capped
        self.num_pages: int | None = None if capped else max(1, -(-count // per_page))


class Page(Generic[_Row]):
    """The part of Django's Page that templates use, without a full count."""

    def __init__(self, rows: Sequence[_Row], number: int, has_next: bool, paginator: CappedPaginator) -> None:
        self.object_list = rows
        self.number = number
        self._has_next = has_next
        self.paginator = paginator

    def __iter__(self) -> Iterator[_Row]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def __bool__(self) -> bool:
        return True  # a page exists even when empty (templates show "no rows")

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paginate(
    request: HttpRequest, queryset: QuerySet[Any, _Row], per_page: int | None = None
) -> tuple[Page[_Row], str]:
    """Returns (page, query string without ``page``) for ``?page=N&per_page=M`` (M up to 200).

    Any page number answers a page or 404, never an error: a malformed, zero or negative one
    gives the first page; past the end of a counted list, its last page; past the end of a list
    of more than ``COUNT_CAP`` rows (not counted to the end), or beyond ``MAX_OFFSET``, 404."""
    per_page = max(1, min(_int(request.GET.get("per_page"), per_page or settings.PAGINATE_BY), 200))
    number = max(1, _int(request.GET.get("page"), 1))
    matching = queryset.order_by() if queryset.query.can_filter() else queryset
    counted = matching[: COUNT_CAP + 1].count()
    capped = counted > COUNT_CAP
    if not capped:
        number = min(number, max(1, -(-counted // per_page)))
    offset = (number - 1) * per_page
    if offset >= MAX_OFFSET:
        raise Http404
    rows = list(queryset[offset : offset + per_page + 1])
    if not rows and number > 1:
        raise Http404
    page = Page(rows[:per_page], number, len(rows) > per_page, CappedPaginator(counted, per_page, capped))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
