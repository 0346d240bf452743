"""The register, the visits and the overdue list: what each lists (``*_query``, shared by the
page and its "export this list"), the sorts each offers, and its rows rendered in Python
(``core.lists`` says why).  Rows are read with ``.values()``: no model method is needed."""

from collections import defaultdict

from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.lists import (
    Labels,
    ListQuery,
    Sort,
    Sorting,
    action_header,
    choice_names,
    html_row,
    names_by_owner,
    plain_header,
    rows_html,
    session_search,
    tags,
    url_for_pk,
    ymd,
)
from organizations.access import Actor
from organizations.privacy import mask_id_number, mask_id_tail, mask_phone

from .filters import BeneficiaryFilter, OverdueFilter, VisitFilter
from .models import Beneficiary, BeneficiaryCategory, Visit, VisitService

VISIT_SEARCH_KEY = "visit_search"
BENEFICIARY_SEARCH_KEY = "beneficiary_search"

# Each sort has an index on its whole order (beneficiaries/migrations: the list orders).
VISIT_SORTS = (Sort("date", ("visit_date", "id")), Sort("value", ("supplies_value", "id")))
VISIT_DEFAULT = "-date"  # newest first, as before sorting existed
BENEFICIARY_SORTS = (Sort("register", ("town_id", "village", "name", "id")), Sort("name", ("name", "id")))
BENEFICIARY_DEFAULT = "register"  # by town, village and name: the register's order
OVERDUE_SORTS = (
    Sort("days", ("days_overdue", "-town__order", "-name", "-id")),
    Sort("town", ("town__order", "village", "name", "id")),
    Sort("last", ("last_contact", "id")),
)
OVERDUE_DEFAULT = "-days"  # most days overdue first


def visit_query(request):
    """The visits the user may see, filtered by the URL's filters and the posted search (name,
    pinyin initials, ID-number tail or phone of the visited person, among the people the user
    may see)."""
    base = Visit.objects.visible_to(request.user)
    filterset, rows = _filtered(VisitFilter, request, base)
    searched = session_search(request.GET, request.session, VISIT_SEARCH_KEY)
    if searched:
        people = Beneficiary.objects.visible_to(request.user).search(searched)
        rows = rows.filter(beneficiary__in=people.values("pk"))
    return ListQuery(filterset, rows, Sorting(request, VISIT_SORTS, VISIT_DEFAULT), base, searched)


def beneficiary_query(request):
    """The register: people the user may see, on the register unless ``active`` is chosen,
    filtered by the URL's filters and the posted search."""
    base = Beneficiary.objects.visible_to(request.user)
    start = base if request.GET.get("active") else base.active()
    filterset, rows = _filtered(BeneficiaryFilter, request, start)
    searched = session_search(request.GET, request.session, BENEFICIARY_SEARCH_KEY)
    if searched:
        rows = rows.search(searched)
    return ListQuery(filterset, rows, Sorting(request, BENEFICIARY_SORTS, BENEFICIARY_DEFAULT), base, searched)


def _filtered(filter_class, request, base):
    from core.filters import filtered

    return filtered(filter_class, request, base)


# ---------------------------------------------------------------------------------------------
# Visits

VISIT_FIELDS = (
    "id",
    "visit_date",
    "mode",
    "follow_up_needed",
    "supplies_value",
    "beneficiary__name",
    "beneficiary__id_number",
    "beneficiary__village",
    "beneficiary__organization_id",
    "beneficiary__town__name",
    "organization__name",
)


def _services_of(visit_ids):
    """{visit id: [service names]} for a page of visits (one query)."""
    through = Visit.services.through.objects.filter(visit_id__in=visit_ids).order_by("visitservice_id")
    return names_by_owner(through.values_list("visit_id", "visitservice__code"), VisitService.Code.choices)


def _sees_person(user):
    """A function (person's organization id) -> may the user see that person (the export
    policy's rule for identity through a relation: a person since moved to an organization
    the user cannot see keeps the visit row, without the ID-number tail)."""
    actor = Actor.of(user)
    if actor.is_staff:
        return lambda organization_id: True
    return lambda organization_id: organization_id in actor.member_org_ids


def visit_headers(sorting):
    labels = _visit_labels()
    return [
        sorting.header("date", labels["date"]),
        plain_header(labels["person"]),
        plain_header(labels["town"]),
        plain_header(labels["mode"]),
        plain_header(labels["services"]),
        sorting.header("value", labels["value"], "num"),
        plain_header(labels["organization"]),
    ]


def _visit_labels():
    return Labels(
        date=gettext_lazy("走访日期"),
        person=gettext_lazy("服务对象"),
        town=gettext_lazy("镇街"),
        mode=gettext_lazy("走访方式"),
        services=gettext_lazy("服务内容"),
        value=gettext_lazy("物资价值（元）"),
        organization=gettext_lazy("走访组织"),
    )


def visit_rows(page, user):
    """The ``<tr>`` of a page of visit rows (``visit_values``): the person told apart by the
    masked ID-number tail and the village (``王秀英 · ****0005 · 东门村``)."""
    labels = _visit_labels().attr
    modes = choice_names(Visit.Mode.choices)
    services = _services_of([row["id"] for row in page])
    sees = _sees_person(user)
    follow_up = _("需要跟进")
    detail = url_for_pk("beneficiaries:visit_detail")

    def render(row):
        person = [row["beneficiary__name"]]
        if sees(row["beneficiary__organization_id"]):
            person.append(mask_id_tail(row["beneficiary__id_number"]))
        person.append(row["beneficiary__village"])
        badge = format_html(' <span class="badge-overdue">{}</span>', follow_up) if row["follow_up_needed"] else ""
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}" class="person">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}" class="num">{}</td>'
            '<td data-label="{}">{}</td></tr>',
            labels["date"],
            detail(row["id"]),
            ymd(row["visit_date"]),
            labels["person"],
            " · ".join(person),
            labels["town"],
            row["beneficiary__town__name"],
            labels["mode"],
            modes.get(row["mode"], row["mode"]),
            badge,
            labels["services"],
            tags(services.get(row["id"], ())),
            labels["value"],
            row["supplies_value"],
            labels["organization"],
            row["organization__name"],
        )

    return rows_html(page, render, empty=_("没有符合条件的走访记录。"), columns=7)


# ---------------------------------------------------------------------------------------------
# The register

BENEFICIARY_FIELDS = (
    "id",
    "name",
    "key_care",
    "active",
    "id_number",
    "phone",
    "village",
    "town__name",
    "organization__name",
)


def _categories_of(person_ids):
    """{person id: [category names]} for a page of people (one query)."""
    through = Beneficiary.categories.through.objects.filter(beneficiary_id__in=person_ids).order_by(
        "beneficiarycategory_id"
    )
    pairs = through.values_list("beneficiary_id", "beneficiarycategory__code")
    return names_by_owner(pairs, BeneficiaryCategory.Code.choices)


def _beneficiary_labels():
    return Labels(
        name=gettext_lazy("姓名"),
        id_number=gettext_lazy("身份证号"),
        phone=gettext_lazy("联系电话"),
        place=gettext_lazy("镇街 / 村社区"),
        categories=gettext_lazy("类别"),
        organization=gettext_lazy("负责组织"),
    )


def beneficiary_headers(sorting):
    labels = _beneficiary_labels()
    return [
        sorting.header("name", labels["name"]),
        plain_header(labels["id_number"]),
        plain_header(labels["phone"]),
        sorting.header("register", labels["place"]),
        plain_header(labels["categories"]),
        plain_header(labels["organization"]),
    ]


def beneficiary_rows(page):
    labels = _beneficiary_labels().attr
    categories = _categories_of([row["id"] for row in page])
    key_care, inactive = _("重点关爱"), _("已停用")
    detail = url_for_pk("beneficiaries:detail")

    def render(row):
        marks = format_html(' <span class="tag">{}</span>', key_care) if row["key_care"] else ""
        if not row["active"]:
            marks = format_html('{} <span class="muted">{}</span>', marks, inactive)
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a>{}</td>'
            '<td data-label="{}" class="masked">{}</td>'
            '<td data-label="{}" class="masked">{}</td>'
            '<td data-label="{}">{} · {}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}">{}</td></tr>',
            labels["name"],
            detail(row["id"]),
            row["name"],
            marks,
            labels["id_number"],
            mask_id_number(row["id_number"]),
            labels["phone"],
            mask_phone(row["phone"]) or "—",
            labels["place"],
            row["town__name"],
            row["village"],
            labels["categories"],
            tags(categories.get(row["id"], ())),
            labels["organization"],
            row["organization__name"],
        )

    return rows_html(page, render, empty=_("没有符合条件的服务对象。"), columns=6)


# ---------------------------------------------------------------------------------------------
# Key-care people behind their cadence

OVERDUE_FIELDS = (
    "id",
    "name",
    "village",
    "visit_cadence",
    "last_contact",
    "days_overdue",
    "town__name",
    "town__order",
    "organization__name",
)


def overdue_query(request, today):
    """The overdue people the user may see, filtered, in the chosen order: computed once
    (one query) for the page, its count and its counts by town."""
    base = Beneficiary.objects.visible_to(request.user)
    filterset, rows = _filtered(OverdueFilter, request, base)
    sorting = Sorting(request, OVERDUE_SORTS, OVERDUE_DEFAULT)
    # django-stubs cannot see the fields that overdue() annotates.
    overdue = rows.overdue(today).order_by(*sorting.order).values(*OVERDUE_FIELDS)
    return ListQuery(filterset, overdue, sorting, base)


def counts_by_town(rows):
    """[{"town": name, "count": n}] of overdue rows already read, in the towns' order: the
    overdue rule ran once in the database; this only groups its answer."""
    counts: defaultdict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["town__order"], row["town__name"])] += 1
    return [{"town": town, "count": n} for (_order, town), n in sorted(counts.items())]


def _overdue_labels():
    return Labels(
        name=gettext_lazy("姓名"),
        place=gettext_lazy("镇街 / 村社区"),
        organization=gettext_lazy("负责组织"),
        cadence=gettext_lazy("每月走访"),
        last=gettext_lazy("上次联系"),
        days=gettext_lazy("逾期天数"),
    )


def overdue_headers(sorting):
    labels = _overdue_labels()
    return [
        plain_header(labels["name"]),
        sorting.header("town", labels["place"]),
        plain_header(labels["organization"]),
        plain_header(labels["cadence"], "num"),
        sorting.header("last", labels["last"]),
        sorting.header("days", labels["days"], "num"),
        action_header(_("操作")),
    ]


def overdue_rows(page):
    labels = _overdue_labels().attr
    record = _("登记走访")
    detail = url_for_pk("beneficiaries:detail")
    visit = url_for_pk("beneficiaries:visit_create_for")

    def render(row):
        return html_row(
            '<tr><td data-label="{}"><a href="{}">{}</a></td>'
            '<td data-label="{}">{} · {}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}" class="num">{}</td>'
            '<td data-label="{}">{}</td>'
            '<td data-label="{}" class="num"><span class="badge-overdue">{}</span></td>'
            '<td><a href="{}">{}</a></td></tr>',
            labels["name"],
            detail(row["id"]),
            row["name"],
            labels["place"],
            row["town__name"],
            row["village"],
            labels["organization"],
            row["organization__name"],
            labels["cadence"],
            row["visit_cadence"],
            labels["last"],
            ymd(row["last_contact"]),
            labels["days"],
            row["days_overdue"],
            visit(row["id"]),
            record,
        )

    return rows_html(page, render, empty=_("没有逾期未访的重点关爱对象。"), columns=7)
