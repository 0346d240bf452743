"""Pagination that never counts a whole table for a page.

A page fetches its rows plus one (to know whether a next page exists) and counts the matching
rows only up to ``COUNT_CAP`` with ``SELECT COUNT(*) FROM (... LIMIT cap+1)``, which stops
early; past the cap the page shows "1000+".  Lists fetch one page with its related rows in a
fixed number of queries, however many rows match (MEASURED.md: a full COUNT(*) of 600k visits
costs ~33 ms per page, and more with the joins a filter needs)."""

from django.conf import settings
from django.http import Http404

COUNT_CAP = 1000
# No list comes near this many rows; a page number past it (9223372036854775807) is answered
# with 404 before it reaches the database, whose OFFSET is a 64-bit integer.
MAX_OFFSET = 2**31


class CappedPaginator:
    def __init__(self, count, per_page, capped):
        self.count = f"{COUNT_CAP}+" if capped else count
        self.per_page = per_page
        self.capped = capped
        self.num_pages = None if capped else max(1, -(-count // per_page))


class Page:
    """The part of Django's Page that templates use, without a full count."""

    def __init__(self, rows, number, has_next, paginator):
        self.object_list = rows
        self.number = number
        self._has_next = has_next
        self.paginator = paginator

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __bool__(self):
        return True  # a page exists even when empty (templates show "no rows")

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def paginate(request, queryset, per_page=None):
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
