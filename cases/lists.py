"""The case list: what it lists (shared by the page and its export), its sorts, its rows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.filters import filtered
from core.lists import (
    Labels,
    ListQuery,
    Sort,
    Sorting,
    choice_names,
    html_row,
    plain_header,
    rows_html,
    url_for_pk,
    ymd,
)

from .filters import CaseFilter
from .models import MediationCase

# Each sort has an index on its whole order (cases/migrations: the list orders).
CASE_SORTS = (Sort("received", ("received_date", "number")), Sort("number", ("number",)))
CASE_DEFAULT = "-received"  # newest first, as before sorting existed
CASE_FIELDS = ("id", "number", "received_date", "category", "status", "closed_date", "organization__name")


def case_query(request):
    base = MediationCase.objects.visible_to(request.user)
    filterset, rows = filtered(CaseFilter, request, base)
    return ListQuery(filterset, rows, Sorting(request, CASE_SORTS, CASE_DEFAULT), base)


def _labels():
    return Labels(
        number=gettext_lazy("案件编号"),
        received=gettext_lazy("受理日期"),
        category=gettext_lazy("案件类别"),
        organization=gettext_lazy("承办组织"),
        status=gettext_lazy("状态"),
        closed=gettext_lazy("结案日期"),
    )


def case_headers(sorting):
    labels = _labels()
    return [
        sorting.header("number", labels["number"]),
        sorting.header("received", labels["received"]),
        plain_header(labels["category"]),
        plain_header(labels["organization"]),
        plain_header(labels["status"]),
        plain_header(labels["closed"]),
    ]


def case_rows(page):
    labels = _labels().attr
    categories = choice_names(MediationCase.Category.choices)
    statuses = choice_names(MediationCase.Status.choices)
    detail = url_for_pk("cases:detail")

    def render(row):
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}"><span class="tag status-{}">{}</span></td>'
            '<td data-label="{}">{}</td></tr>',
            labels["number"],
            detail(row["id"]),
            row["number"],
            labels["received"],
            ymd(row["received_date"]),
            labels["category"],
            categories.get(row["category"], row["category"]),
            labels["organization"],
            row["organization__name"],
            labels["status"],
            row["status"],
            statuses.get(row["status"], row["status"]),
            labels["closed"],
            ymd(row["closed_date"]),
        )

    return rows_html(page, render, empty=_("没有符合条件的案件。"), columns=6)
