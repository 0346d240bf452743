"""The home page's work queues: what waits for each person today, each item a count with a link
to the list filtered to exactly those rows (the same visible_to rule and the same named filter
as that list, so the count and the list cannot disagree).

* organization members: their organizations' overdue key-care people (with days overdue) and
  the visits they recorded this week;
* organization admins: the same, plus returned reports (with the reviewer's comment), last
  month's reports not yet submitted, their organizations' pending invitations and their imports
  waiting for them;
* federation staff: reports awaiting review (oldest first, with their age), projects with no
  report for last month, cases open more than 60 days, overdue key-care people by town;
* leaders: this month's headline figures against last month and the latest district PDF.

Each item costs a fixed number of queries, whatever the data: the page has one query budget per
role (tests/test_home.py pins it).  Other apps add items through ``HOME_ITEM_PROVIDERS``."""

import datetime

from django.apps import apps
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from core.months import last_month, month_bounds, month_start
from core.roles import Role
from core.work import WorkItem, WorkRow
from organizations.access import Actor, member_org_ids
from organizations.models import Invitation
from projects.models import CharityProject, ProjectReport
from reports.figures import figures_for_dashboard
from reports.models import MonthlyReport
from reports.presentation import figure_rows
from reports.statistics import Scope
from spreadsheets.models import ImportJob

# Items other apps offer: "app.module.function" taking the user and returning [WorkItem].
# Called only when the app is installed: the referrals app offers what waits for acceptance.
HOME_ITEM_PROVIDERS = ("referrals.queries.home_items",)
EXAMPLES = 3  # rows shown under an item (the oldest, the most overdue)
CASE_OPEN_DAYS = 60
LEADER_FIGURES = (
    "visits",
    "beneficiaries_served",
    "key_care_coverage",
    "training_person_times",
    "cases_received",
    "mediation_success_rate",
)


def _url(name, params=None, *args):
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


def week_of(today):
    """Monday .. Sunday of the week of ``today``."""
    monday = today - datetime.timedelta(days=today.weekday())
    return monday, monday + datetime.timedelta(days=6)


def overdue_item(user, today):
    overdue = Beneficiary.objects.visible_to(user).overdue(today)
    examples = [
        WorkRow(
            text=f"{person.name}（{person.town.name} {person.village}）",
            url=reverse("beneficiaries:detail", args=[person.pk]),
            # Annotated by overdue(), which django-stubs cannot see.
            note=_("逾期 %(n)s 天") % {"n": person.days_overdue},  # type: ignore[attr-defined]
        )
        for person in overdue.select_related("town")[:EXAMPLES]
    ]
    return WorkItem(
        key="overdue",
        label=_("重点关爱对象逾期未访"),
        count=overdue.count(),
        url=reverse("beneficiaries:overdue"),
        rows=tuple(examples),
    )


def my_visits_item(user, today):
    start, end = week_of(today)
    count = Visit.objects.visible_to(user).filter(created_by=user).in_period(start, end).count()
    return WorkItem(
        key="my_visits_week",
        label=_("本周我登记的走访"),
        count=count,
        url=_url("beneficiaries:visit_list", {"mine": "true", "start": start.isoformat(), "end": end.isoformat()}),
        note=_("%(a)s 至 %(b)s") % {"a": start.isoformat(), "b": end.isoformat()},
        tone="calm",
    )


def returned_reports_item(user):
    returned = ProjectReport.objects.visible_to(user).filter(status=ProjectReport.Status.RETURNED)
    examples = [
        WorkRow(
            text=f"{report.project.name}（{report.period_start:%Y-%m}）",
            url=reverse("projects:report_detail", args=[report.pk]),
            note=_("审核意见：%(c)s") % {"c": report.review_comment or "—"},
        )
        for report in returned.select_related("project").order_by("reviewed_at", "id")[:EXAMPLES]
    ]
    return WorkItem(
        key="reports_returned",
        label=_("被退回、待修改的进展报告"),
        count=returned.count(),
        url=_url("projects:report_list", {"status": ProjectReport.Status.RETURNED}),
        rows=tuple(examples),
    )


def missing_reports_item(user, *, staff):
    start, end = month_bounds(last_month())
    projects = CharityProject.objects.visible_to(user)
    if not staff:
        projects = projects.filter(organization__in=member_org_ids(user))
    totals = projects.missing_report_for(start, end).aggregate(
        projects=Count("id"), organizations=Count("organization", distinct=True)
    )
    return WorkItem(
        key="reports_missing",
        label=_("上月进展报告未提交的项目"),
        count=totals["projects"],
        url=reverse("projects:missing_reports"),
        note=(_("涉及 %(n)s 个组织；") % {"n": totals["organizations"]} if staff else "")
        + _("报告期 %(a)s 至 %(b)s") % {"a": start.isoformat(), "b": end.isoformat()},
    )


def invitation_items(actor):
    """One item per administered organization with invitations waiting for an answer (its
    member page lists exactly those)."""
    rows = (
        Invitation.objects.pending()
        .filter(organization__in=actor.admin_org_ids)
        .values("organization_id", "organization__name")
        .annotate(n=Count("id"))
        .order_by("organization__name")
    )
    return [
        WorkItem(
            key=f"invitations_{row['organization_id']}",
            label=_("%(org)s：待对方接受的邀请") % {"org": row["organization__name"]},
            count=row["n"],
            url=reverse("organizations:detail", args=[row["organization_id"]]) + "#invitations",
            tone="calm",
        )
        for row in rows
    ]


def imports_item(user):
    count = ImportJob.objects.visible_to(user).filter(user=user).needing_attention().count()
    return WorkItem(
        key="imports",
        label=_("需要处理的 Excel 导入"),
        count=count,
        url=_url("spreadsheets:index", {"jobs": "attention"}) + "#jobs",
        note=_("待确认、已拒绝或失败"),
    )


def review_item(user, now):
    waiting = ProjectReport.objects.visible_to(user).awaiting_review()
    examples = [
        WorkRow(
            text=f"{report.project.name}（{report.project.organization.name}）",
            url=reverse("projects:report_detail", args=[report.pk]),
            note=_("已等待 %(n)s 天") % {"n": (now - report.submitted_at).days} if report.submitted_at else "",
        )
        for report in waiting.select_related("project__organization").order_by("submitted_at", "id")[:EXAMPLES]
    ]
    return WorkItem(
        key="reports_awaiting",
        label=_("待审核的进展报告"),
        count=waiting.count(),
        url=reverse("projects:review_queue"),
        rows=tuple(examples),
    )


def old_cases_item(user, today):
    count = MediationCase.objects.visible_to(user).open_longer_than(CASE_OPEN_DAYS, today).count()
    return WorkItem(
        key="cases_open_long",
        label=_("受理超过 %(n)s 天仍未结案的调解案件") % {"n": CASE_OPEN_DAYS},
        count=count,
        url=_url("cases:list", {"open_over": CASE_OPEN_DAYS}),
    )


def overdue_by_town_item(user, today):
    towns = Beneficiary.objects.visible_to(user).overdue(today).counts_by_town()
    return WorkItem(
        key="overdue",
        label=_("重点关爱对象逾期未访"),
        count=sum(row["count"] for row in towns),
        url=reverse("beneficiaries:overdue"),
        rows=tuple(
            WorkRow(
                text=row["town"],
                url=_url("beneficiaries:overdue", {"town": row["town_id"]}),
                note=_("%(n)s 人") % {"n": row["count"]},
            )
            for row in towns
        ),
    )


def provided_items(user):
    items = []
    for path in HOME_ITEM_PROVIDERS:
        if apps.is_installed(path.split(".", 1)[0]):
            items.extend(import_string(path)(user))
    return items


def work_items(user, role, today=None):
    """The work queues of ``user`` (a list of WorkItem), by role."""
    today = today or timezone.localdate()
    if role == Role.STAFF:
        items = [
            review_item(user, timezone.now()),
            missing_reports_item(user, staff=True),
            old_cases_item(user, today),
            overdue_by_town_item(user, today),
        ]
    elif role == Role.MEMBER:
        actor = Actor.of(user)
        items = [overdue_item(user, today), my_visits_item(user, today)]
        if actor.admin_org_ids:
            items += [returned_reports_item(user), missing_reports_item(user, staff=False)]
            items += invitation_items(actor)
            items.append(imports_item(user))
    else:
        return []
    return items + provided_items(user)


def leader_overview(user, today=None):
    """This month's headline figures (so far) against last month's, with the dashboard's
    formatting, and the latest district PDF."""
    today = today or timezone.localdate()
    month = month_start(today)
    stats = figures_for_dashboard(month, Scope.district())[0]
    rows = [row for row in figure_rows(stats) if row["key"] in LEADER_FIGURES]
    latest = (
        MonthlyReport.objects.visible_to(user)
        .filter(status=MonthlyReport.Status.DONE, scope_kind=MonthlyReport.ScopeKind.DISTRICT)
        .order_by("-month")
        .first()
    )
    return {"month": month, "figures": rows, "latest_report": latest}
