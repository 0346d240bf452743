"""What every list page shares besides its filters and pagination: sortable columns, rows
rendered in Python, and the search text kept out of URLs.

**Sorting.**  A list offers a few sorts (``Sort``: the key in the URL and the order it stands
for, its last field unique); ``?sort=date`` sorts by it, ``?sort=-date`` the other way round.
A missing or unknown key gives the list's default, so a list's order is unchanged unless the
user clicks a header.  Only columns of the list's own table with an index on the whole order
are offered on long lists: keyset pagination (``core.pagination``) then reads any page of any
sort from the index.

**Rows in Python.**  A list body is rendered by ``format_html`` in the app's ``lists.py``, one
string per row, instead of a template loop: at 50 rows the template engine cost 11-12 ms of a
visits page (nine ``{% translate %}`` and a dozen variable lookups per row), ``format_html``
about 0.6 ms (figures in docs/ARCHITECTURE.md and ``make bench BENCH_ARGS=pages``).  Labels
and choice names are translated once per page (``Labels``), not once per row.

**Search text.**  Names, ID-number tails and phones typed into a search are posted, kept in
the session, and the URL only says ``search=1`` (``posted_search``/``session_search``), so
they never reach a URL, a log or a browser's history."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape as escape_text
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Sort:
    """``key`` in the URL; ``order`` the order it stands for (``("visit_date", "id")``), its
    last field unique; the reverse order is ``-key``."""

    key: str
    order: tuple[str, ...]


def _reverse(order: Sequence[str]) -> tuple[str, ...]:
    return tuple(item[1:] if item.startswith("-") else f"-{item}" for item in order)


class Sorting:
    """The sort of one request: ``order`` for ``order_by`` and keyset pagination, ``header``
    for the table's column headers."""

    def __init__(self, request: HttpRequest, sorts: Sequence[Sort], default: str) -> None:
        self.sorts = {sort.key: sort for sort in sorts}
        self.default = default
        self._request = request
        wanted = request.GET.get("sort", "")
        key = wanted.removeprefix("-")
        if key not in self.sorts:
            wanted, key = default, default.removeprefix("-")
        self.value = wanted
        self.key = key
        self.reversed = wanted.startswith("-")
        order = self.sorts[key].order
        self.order: tuple[str, ...] = _reverse(order) if self.reversed else order
        self.is_default = wanted == default

    def url(self, value: str) -> str:
        """The list's URL sorted by ``value`` (filters kept, back to the first page)."""
        query: QueryDict = self._request.GET.copy()
        for name in ("page", "after", "before"):
            query.pop(name, None)
        if value == self.default:
            query.pop("sort", None)
        else:
            query["sort"] = value
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    def header(self, key: str, label: str, css: str = "") -> SafeString:
        """A ``<th>`` whose link sorts by ``key`` (the other way round when it is the current
        sort), with ``aria-sort`` on the sorted column."""
        current = key == self.key
        if current:
            target = key if self.reversed else f"-{key}"
            state = "descending" if self.descending else "ascending"
            arrow = "▼" if self.descending else "▲"
            aria = format_html(' aria-sort="{}"', state)
        else:
            target, arrow, aria = key, "", SafeString("")
        klass = format_html(' class="{}"', css) if css else ""
        hint = _("排序")
        return format_html(
            '<th{}{} scope="col"><a class="sort{}" href="{}" title="{}">{}<span aria-hidden="true">{}</span></a></th>',
            klass,
            aria,
            " sorted" if current else "",
            self.url(target),
            hint,
            label,
            arrow,
        )

    @property
    def descending(self) -> bool:
        """Whether the current sort's first field runs from high to low."""
        return self.order[0].startswith("-")


@dataclass
class ListQuery:
    """A list's rows for one request, before pagination: ``rows`` filtered (and searched) but
    not ordered, ``sorting`` the order, ``anchors`` the rows a cursor may name (the user's
    visible rows, before filters), ``searched`` the search text in force ("" when none).
    The list page and its "export this list" both build it (one function per list), so the
    file holds exactly the rows the page lists."""

    filterset: Any
    rows: Any
    sorting: Sorting
    anchors: Any
    searched: str = ""


def plain_header(label: str, css: str = "") -> SafeString:
    klass = format_html(' class="{}"', css) if css else ""
    return format_html('<th{} scope="col">{}</th>', klass, label)


def action_header(label: str) -> SafeString:
    """The header of a column of links (操作): its text is read by screen readers only."""
    return format_html('<th scope="col"><span class="visually-hidden">{}</span></th>', label)


class Labels(dict[str, str]):
    """Column labels translated once per page: ``Labels(date=_("走访日期"), ...)`` (lazy
    strings in, plain strings out), each also escaped for ``data-label`` attributes."""

    def __init__(self, **labels: Any) -> None:
        super().__init__({name: str(label) for name, label in labels.items()})
        self.attr = {name: escape(label) for name, label in self.items()}


def choice_names(choices: Iterable[tuple[Any, Any]]) -> dict[Any, str]:
    """{value: translated label} of a TextChoices' ``choices``, built once per page."""
    return {value: str(label) for value, label in choices}


def names_by_owner(pairs: Iterable[tuple[Any, Any]], choices: Iterable[tuple[Any, Any]]) -> dict[Any, list[str]]:
    """{row id: [choice names]} from (row id, code) pairs: a page's many-to-many rows (a visit's
    services, a person's categories), read in one query by the caller."""
    names = choice_names(choices)
    found: dict[Any, list[str]] = {}
    for owner, code in pairs:
        found.setdefault(owner, []).append(names.get(code, code))
    return found


def tags(names: Iterable[str], empty: str = "—") -> SafeString:
    """``<span class="tag">`` per name, or "—"."""
    joined = "".join(f'<span class="tag">{escape(name)}</span>' for name in names)
    return mark_safe(joined or escape(empty))


def cell(value: Any) -> str:
    """``value`` as HTML: escaped, unless it is already HTML (``__html__``: a SafeString, a
    ``format_html`` result)."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escape_text(str(value))


def html_row(template: str, *values: Any) -> str:
    """``format_html`` for the rows of a list: ``template`` with each of ``values`` escaped
    (``cell``), the same HTML.  Rows call it 50-200 times a page, with a dozen values each:
    Django's ``escape`` checks every argument for lazy strings (``keep_lazy``), which made
    escaping most of a row's cost; the standard library's ``html.escape`` gives the same text
    (``&amp; &lt; &gt; &quot; &#x27;``).  The result is not marked safe: ``rows_html`` marks the
    whole body."""
    return template.format(*map(cell, values))


def rows_html(rows: Iterable[Any], render: Callable[[Any], str], *, empty: str, columns: int) -> SafeString:
    """The ``<tbody>`` content: ``render(row)`` for each row (a string whose parts the
    renderer escaped, as ``format_html`` does), or one row saying ``empty``."""
    body = "".join(render(row) for row in rows)
    if not body:
        body = f'<tr><td colspan="{columns}" class="empty">{escape(empty)}</td></tr>'
    return mark_safe(body)


def url_for_pk(name: str) -> Callable[[Any], str]:
    """``reverse(name, args=[pk])`` for every row of a page, reversed once per page."""
    marker = 987654321
    head, _sep, tail = reverse(name, args=[marker]).partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def ymd(day: Any) -> str:
    """A date as the lists show it (2026-11-30), "—" when empty (the templates' ``date:"Y-m-d"``)."""
    return day.isoformat() if day else "—"


# ---------------------------------------------------------------------------------------------
# Search text kept out of URLs


def posted_search(request: HttpRequest, session_key: str, form_class: type[forms.Form]) -> HttpResponse:
    """Post/redirect/get for a list's search box (``form_class`` with a field ``q``): the text
    goes to the session under ``session_key`` and the URL says only ``search=1`` (nothing when
    the box was emptied)."""
    form = form_class(request.POST)
    text = form.cleaned_data["q"].strip() if form.is_valid() else ""
    params: QueryDict = request.GET.copy()
    for name in ("page", "after", "before", "search"):
        params.pop(name, None)
    if text:
        request.session[session_key] = text
        params["search"] = "1"
    else:
        request.session.pop(session_key, None)
    return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)


def session_search(params: Mapping[str, Any], session: Any, session_key: str) -> str:
    """The search text in force for a list's query string ``params`` ("" when none)."""
    if params.get("search") != "1":
        return ""
    text = session.get(session_key, "")
    return text if isinstance(text, str) else ""


def without_search(request: HttpRequest) -> str:
    """The list's URL with its filters and without the search."""
    params: QueryDict = request.GET.copy()
    for name in ("search", "page", "after", "before"):
        params.pop(name, None)
    return f"{request.path}?{params.urlencode()}"
