"""The referral list: incoming and outgoing tabs, what it lists, its sorts, its rows."""

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
    plain_header,
    rows_html,
    url_for_pk,
    ymd,
)
from core.roles import Role, role_of

from .filters import ReferralFilter
from .models import Referral

SORTS = (Sort("sent", ("sent_on", "id")),)
DEFAULT = "-sent"
FIELDS = (
    "id",
    "kind",
    "sent_on",
    "reason",
    "urgency",
    "status",
    "person__name",
    "person__town__name",
    "from_organization_id",
    "from_organization__name",
    "to_organization__name",
)
BOXES = ("incoming", "outgoing", "all")


def box_of(request):
    """The tab: incoming (to the user's organizations), outgoing (from them), or all (staff)."""
    box = request.GET.get("box")
    staff = role_of(request.user) == Role.STAFF
    if box not in BOXES or (box == "all" and not staff):
        box = "all" if staff else "incoming"
    return box


def referral_query(request):
    visible = Referral.objects.visible_to(request.user)
    box = box_of(request)
    base = visible
    if box == "incoming":
        base = visible.incoming(request.user)
    elif box == "outgoing":
        base = visible.outgoing(request.user)
    filterset, rows = filtered(ReferralFilter, request, base)
    return ListQuery(filterset, rows, Sorting(request, SORTS, DEFAULT), visible)


def _labels():
    return Labels(
        sent=gettext_lazy("转介日期"),
        person=gettext_lazy("服务对象"),
        reason=gettext_lazy("原因"),
        route=gettext_lazy("转出 → 接收"),
        status=gettext_lazy("状态"),
    )


def headers(sorting):
    labels = _labels()
    return [
        sorting.header("sent", labels["sent"]),
        plain_header(labels["person"]),
        plain_header(labels["reason"]),
        plain_header(labels["route"]),
        plain_header(labels["status"]),
    ]


def conceals(actor, kind, status, from_organization_id):
    """Whether a request is shown to ``actor`` without its person and registering organization:
    a request not approved (申请中, or declined or cancelled), seen by the requester."""
    return (
        kind == Referral.Kind.REQUEST
        and status in Referral.CONCEALED_REQUEST_STATUSES
        and not actor.acts_for(from_organization_id)
    )


def rows(page, actor):
    """A request not yet approved shows the requester neither the person nor the registering
    organization (the duplicate form said no more)."""
    labels = _labels().attr
    reasons = choice_names(Referral.Reason.choices)
    statuses = choice_names(Referral.Status.choices)
    detail = url_for_pk("referrals:detail")
    hidden = _("（对方同意后可见）")
    urgent = _("紧急")

    def render(row):
        conceal = conceals(actor, row["kind"], row["status"], row["from_organization_id"])
        person = hidden if conceal else f"{row['person__name']}（{row['person__town__name']}）"
        sender = hidden if conceal else row["from_organization__name"]
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}{}</td>'
            '<td data-label="{}">{} → {}</td>'
            '<td data-label="{}"><span class="tag status-{}">{}</span></td></tr>',
            labels["sent"],
            detail(row["id"]),
            ymd(row["sent_on"]),
            labels["person"],
            person,
            labels["reason"],
            reasons.get(row["reason"], row["reason"]),
            format_html(' <span class="tag urgent">{}</span>', urgent) if row["urgency"] == "urgent" else "",
            labels["route"],
            sender,
            row["to_organization__name"],
            labels["status"],
            row["status"],
            statuses.get(row["status"], row["status"]),
        )

    return rows_html(page, render, empty=_("没有符合条件的转介。"), columns=5)
