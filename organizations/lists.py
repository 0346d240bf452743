"""The directory of organizations: what it lists (shared by the page and its export), its sorts,
its rows.  It is short (600 organizations at ten districts' scale), so it keeps page numbers."""

from django.db.models import Count
from django.utils.html import format_html
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
    names_by_owner,
    plain_header,
    rows_html,
    tags,
    url_for_pk,
)

from .filters import OrganizationFilter
from .models import Organization, ServiceArea

ORGANIZATION_SORTS = (
    Sort("town", ("town__order", "name")),
    Sort("name", ("name",)),
    Sort("members", ("member_count", "name")),
)
ORGANIZATION_DEFAULT = "town"  # by town, then name, as before sorting existed
ORGANIZATION_FIELDS = ("id", "name", "kind", "active", "town__name", "member_count")


def organization_query(request):
    base = Organization.objects.visible_to(request.user)
    filterset, rows = filtered(OrganizationFilter, request, base)
    return ListQuery(filterset, rows, Sorting(request, ORGANIZATION_SORTS, ORGANIZATION_DEFAULT), base)


def organization_values(rows, sorting):
    return (
        rows.annotate(member_count=Count("memberships", distinct=True))
        .order_by(*sorting.order)
        .values(*ORGANIZATION_FIELDS)
    )


def _areas_of(organization_ids):
    """{organization id: [service area names]} for a page (one query)."""
    through = Organization.service_areas.through.objects.filter(organization_id__in=organization_ids).order_by(
        "servicearea_id"
    )
    return names_by_owner(through.values_list("organization_id", "servicearea__code"), ServiceArea.Code.choices)


def _labels():
    return Labels(
        name=gettext_lazy("组织名称"),
        town=gettext_lazy("所属镇街"),
        kind=gettext_lazy("组织形式"),
        areas=gettext_lazy("服务领域"),
        members=gettext_lazy("成员"),
        status=gettext_lazy("状态"),
    )


def organization_headers(sorting):
    labels = _labels()
    return [
        sorting.header("name", labels["name"]),
        sorting.header("town", labels["town"]),
        plain_header(labels["kind"]),
        plain_header(labels["areas"]),
        sorting.header("members", labels["members"], "num"),
        plain_header(labels["status"]),
    ]


def organization_rows(page):
    labels = _labels().attr
    kinds = choice_names(Organization.Kind.choices)
    areas = _areas_of([row["id"] for row in page])
    running = _("正常")
    stopped = format_html('<span class="muted">{}</span>', _("已停止"))
    detail = url_for_pk("organizations:detail")

    def render(row):
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}" class="num">{}</td>'
            '<td data-label="{}">{}</td></tr>',
            labels["name"],
            detail(row["id"]),
            row["name"],
            labels["town"],
            row["town__name"],
            labels["kind"],
            kinds.get(row["kind"], row["kind"]),
            labels["areas"],
            tags(areas.get(row["id"], ()), empty=""),
            labels["members"],
            row["member_count"],
            labels["status"],
            running if row["active"] else stopped,
        )

    return rows_html(page, render, empty=_("没有符合条件的组织。"), columns=6)
