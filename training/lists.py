"""The training list: what it lists (shared by the page and its export), its sorts, its rows."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.filters import filtered
from core.generation import remembered
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
from organizations.access import scope_key

from .filters import TrainingSessionFilter
from .models import Attendance, TrainingSession

# Each sort has an index on its whole order (training/migrations: the list orders).
SESSION_SORTS = (Sort("date", ("date", "id")), Sort("title", ("title", "id")))
SESSION_DEFAULT = "-date"  # newest first, as before sorting existed
SESSION_FIELDS = ("id", "date", "title", "category", "organization__name", "town__name")


def session_query(request):
    base = TrainingSession.objects.visible_to(request.user)
    filterset, rows = filtered(TrainingSessionFilter, request, base)
    return ListQuery(filterset, rows, Sorting(request, SESSION_SORTS, SESSION_DEFAULT), base)


def list_figures(request, found):
    """The figures above the list (sessions, person-times, distinct trainees, certificates) of
    the sessions listed, remembered until the counted data changes (``core.generation``): at
    ten districts' scale the distinct count reads every attendance row the user may see."""

    def compute():
        figures = Attendance.objects.filter(session__in=found.rows.values("pk")).figures()
        figures["sessions"] = found.rows.count()
        return figures

    return remembered("training-list", (scope_key(request.user), found.filterset.chosen()), compute)


def _figures_of(session_ids):
    """{session id: its figures} for a page of sessions (one query, ``with_figures``)."""
    # django-stubs cannot see the fields that with_figures() annotates.
    rows = (
        TrainingSession.objects.filter(pk__in=session_ids)
        .with_figures()
        .values("id", "person_times", "distinct_people", "certificates")  # type: ignore[misc]
    )
    return {row["id"]: row for row in rows}


def _labels():
    return Labels(
        date=gettext_lazy("培训日期"),
        title=gettext_lazy("培训名称"),
        category=gettext_lazy("培训类别"),
        organization=gettext_lazy("主办组织"),
        town=gettext_lazy("镇街"),
        person_times=gettext_lazy("人次"),
        people=gettext_lazy("人数"),
        certificates=gettext_lazy("获证"),
    )


def session_headers(sorting):
    labels = _labels()
    return [
        sorting.header("date", labels["date"]),
        sorting.header("title", labels["title"]),
        plain_header(labels["category"]),
        plain_header(labels["organization"]),
        plain_header(labels["town"]),
        plain_header(labels["person_times"], "num"),
        plain_header(labels["people"], "num"),
        plain_header(labels["certificates"], "num"),
    ]


def session_rows(page):
    labels = _labels().attr
    categories = choice_names(TrainingSession.Category.choices)
    figures = _figures_of([row["id"] for row in page])
    none = {"person_times": 0, "distinct_people": 0, "certificates": 0}
    detail = url_for_pk("training:detail")

    def render(row):
        counts = figures.get(row["id"], none)
        return html_row(
            '<tr><td data-label="{}">{}</td>'
            '<td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}" class="num">{}</td>'
            '<td data-label="{}" class="num">{}</td>'
            '<td data-label="{}" class="num">{}</td></tr>',
            labels["date"],
            ymd(row["date"]),
            labels["title"],
            detail(row["id"]),
            row["title"],
            labels["category"],
            categories.get(row["category"], row["category"]),
            labels["organization"],
            row["organization__name"],
            labels["town"],
            row["town__name"],
            labels["person_times"],
            counts["person_times"],
            labels["people"],
            counts["distinct_people"],
            labels["certificates"],
            counts["certificates"],
        )

    return rows_html(page, render, empty=_("没有符合条件的培训活动。"), columns=8)
