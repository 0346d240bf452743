"""``{% export_links "visits" %}`` on a list page: "导出此列表" (masked, xlsx or csv) with the
list's filters, and "完整导出" for those the export policy allows a full export."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.pagination import list_query

from .. import policy
from ..permissions import can_export

register = template.Library()


@register.simple_tag(takes_context=True)
def export_links(context, resource_name):
    request = context.get("request")
    if request is None or not can_export(request.user, resource_name):
        return ""
    filters = urlencode({"filters": list_query(request)})
    links = format_html(
        '<a class="button secondary" href="{}?{}">{}</a> <a class="export-alt" href="{}?{}">{}</a>',
        reverse("spreadsheets:export", args=[resource_name, "xlsx"]),
        filters,
        _("导出此列表"),
        reverse("spreadsheets:export", args=[resource_name, "csv"]),
        filters,
        "CSV",
    )
    if policy.has_personal_data(resource_name) and policy.may_export(request.user, resource_name, policy.Mode.FULL):
        links = format_html(
            '{} <a class="export-alt" href="{}?{}">{}</a>',
            links,
            reverse("spreadsheets:export_full", args=[resource_name]),
            filters,
            _("完整导出此列表"),
        )
    return format_html('<span class="export-links">{}</span>', links)
