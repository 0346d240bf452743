"""The project list: what it lists (shared by the page and its export), its sorts, its rows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formatting
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

from .filters import ProjectFilter
from .models import CharityProject

# Each sort has an index on its whole order (projects/migrations: the list orders).
PROJECT_SORTS = (
    Sort("start", ("start_date", "-name", "-id")),
    Sort("name", ("name", "id")),
    Sort("amount", ("amount", "id")),
)
PROJECT_DEFAULT = "-start"  # latest start first, then by name, as before sorting existed
PROJECT_FIELDS = (
    "id",
    "name",
    "funding_source",
    "amount",
    "start_date",
    "end_date",
    "status",
    "organization__name",
    "funder__name",
)


def project_query(request):
    base = CharityProject.objects.visible_to(request.user)
    filterset, rows = filtered(ProjectFilter, request, base)
    return ListQuery(filterset, rows, Sorting(request, PROJECT_SORTS, PROJECT_DEFAULT), base)


def _labels():
    return Labels(
        name=gettext_lazy("项目名称"),
        organization=gettext_lazy("承接组织"),
        funder=gettext_lazy("资助方"),
        source=gettext_lazy("资金来源"),
        amount=gettext_lazy("资助金额（元）"),
        period=gettext_lazy("项目周期"),
        status=gettext_lazy("状态"),
    )


def project_headers(sorting):
    labels = _labels()
    return [
        sorting.header("name", labels["name"]),
        plain_header(labels["organization"]),
        plain_header(labels["funder"]),
        plain_header(labels["source"]),
        sorting.header("amount", labels["amount"], "num"),
        sorting.header("start", labels["period"]),
        plain_header(labels["status"]),
    ]


def yuan(amount):
    """80000 -> "80,000.00" (``core.formatting.yuan``, the templates' ``|yuan``)."""
    return formatting.yuan(amount) if amount is not None else ""


def project_rows(page):
    labels = _labels().attr
    sources = choice_names(CharityProject.FundingSource.choices)
    statuses = choice_names(CharityProject.Status.choices)
    detail = url_for_pk("projects:detail")

    def render(row):
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}" class="num">{}</td>'
            '<td data-label="{}">{} ~ {}</td>'
            '<td data-label="{}"><span class="tag">{}</span></td></tr>',
            labels["name"],
            detail(row["id"]),
            row["name"],
            labels["organization"],
            row["organization__name"],
            labels["funder"],
            row["funder__name"] or "—",
            labels["source"],
            sources.get(row["funding_source"], row["funding_source"]),
            labels["amount"],
            yuan(row["amount"]),
            labels["period"],
            ymd(row["start_date"]),
            ymd(row["end_date"]),
            labels["status"],
            statuses.get(row["status"], row["status"]),
        )

    return rows_html(page, render, empty=_("没有符合条件的项目。"), columns=7)
