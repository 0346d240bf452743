"""The home page's work queues, per role: each count equals what the database holds for that
person (computed here independently, row by row, not with the portal's own query), each link
opens the list filtered to exactly those rows, and the page costs the same number of queries
however much data there is."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, Visit
from cases.models import MediationCase
from core.months import last_month, month_bounds
from organizations.access import member_org_ids
from organizations.models import Invitation, Town
from projects.models import CharityProject, ProjectReport
from spreadsheets.models import ImportJob
from tests.factories import (
    BeneficiaryFactory,
    CharityProjectFactory,
    MediationCaseFactory,
    ProjectReportFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def build(org_a, org_b, admin_a, member_a, tag=""):
    """Records of organizations A and B that the queues count (and some they must not).  Names
    carry ``tag`` so that a second call adds as much again."""
    towns = list(Town.objects.order_by("order")[:2])
    monday = TODAY - TODAY.weekday() * DAY
    for org, letter in ((org_a, "甲"), (org_b, "乙")):
        for n, town in enumerate(towns):
            # Overdue: key-care twice a month, nobody came for 40 days.
            BeneficiaryFactory(
                name=f"逾期{letter}{n}{tag}",
                organization=org,
                town=town,
                key_care=True,
                visit_cadence=2,
                key_care_since=TODAY - 40 * DAY,
            )
        # Visited 5 days ago: on cadence.
        fine = BeneficiaryFactory(
            name=f"按时{letter}{tag}", organization=org, key_care=True, visit_cadence=2, key_care_since=TODAY - 90 * DAY
        )
        VisitFactory(beneficiary=fine, visit_date=TODAY - 5 * DAY)
        # Her only recent visit was withdrawn (entered by mistake): she is overdue.
        withdrawn = BeneficiaryFactory(
            name=f"撤回{letter}{tag}", organization=org, key_care=True, visit_cadence=1, key_care_since=TODAY - 60 * DAY
        )
        VisitFactory(beneficiary=withdrawn, visit_date=TODAY - 2 * DAY, withdrawn_at=timezone.now())
    # Visits recorded by A's member: two this week, one last week, one withdrawn; one by the admin.
    for name, day, by, gone in (
        (f"本周一{tag}", monday, member_a, False),
        (f"本周二{tag}", monday, member_a, False),
        (f"上周{tag}", monday - DAY, member_a, False),
        (f"撤回的走访{tag}", monday, member_a, True),
        (f"管理员的走访{tag}", monday, admin_a, False),
    ):
        person = BeneficiaryFactory(name=name, organization=org_a)
        VisitFactory(beneficiary=person, visit_date=day, created_by=by, withdrawn_at=timezone.now() if gone else None)
    # Reports: returned (with the reviewer's comment), waiting for review, approved.
    start, end = month_bounds(last_month(TODAY))
    for org, letter in ((org_a, "甲"), (org_b, "乙")):
        for title, status, comment in (
            ("巧手编织", "returned", "请补充活动照片"),
            ("老妇女主任关爱", "returned", "支出明细不全"),
            ("困境儿童陪伴", "submitted", ""),
            ("家庭教育讲堂", "approved", ""),
        ):
            project = CharityProjectFactory(
                name=f"{title}（{letter}）{tag}",
                organization=org,
                start_date=start - 60 * DAY,
                end_date=end + 60 * DAY,
            )
            ProjectReportFactory(
                project=project,
                status=status,
                review_comment=comment,
                period_start=start,
                period_end=end,
                submitted_at=timezone.now() - 3 * DAY,
                reviewed_at=timezone.now() - DAY if comment else None,
            )
        CharityProjectFactory(
            name=f"巾帼创业帮扶（{letter}）{tag}", organization=org, start_date=start, end_date=end + 30 * DAY
        )
        CharityProjectFactory(
            name=f"申报中的项目（{letter}）{tag}", organization=org, status="declared", start_date=start
        )
    # Invitations of A: two pending, one expired, one declined; one of B.
    for n, (org, status, expires) in enumerate(
        (
            (org_a, "pending", 5),
            (org_a, "pending", 10),
            (org_a, "pending", -1),
            (org_a, "declined", 5),
            (org_b, "pending", 5),
        )
    ):
        invitee = UserFactory(email=f"invitee{n}{tag}@example.cn")
        Invitation.objects.create(
            organization=org,
            user=invitee,
            email=invitee.email,
            invited_by=admin_a,
            status=status,
            expires_at=timezone.now() + expires * DAY,
        )
    # The admin's imports: to confirm, rejected, failed today, failed long ago, done; the member's.
    for name, status, user, age in (
        ("待确认", "previewed", admin_a, 0),
        ("已拒绝", "rejected", admin_a, 0),
        ("失败", "failed", admin_a, 0),
        ("很久前失败", "failed", admin_a, 30),
        ("已完成", "done", admin_a, 0),
        ("成员的", "previewed", member_a, 0),
    ):
        job = ImportJob.objects.create(
            user=user, resource="beneficiaries", original_name=f"{name}{tag}.xlsx", status=status
        )
        ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - age * DAY)
    # Cases: open 70 and 61 days, 59 days, closed long ago; one of B open 90 days.
    for number, org, age, status in (
        ("A70", org_a, 70, "received"),
        ("A61", org_a, 61, "mediating"),
        ("A59", org_a, 59, "mediating"),
        ("A99", org_a, 99, "succeeded"),
        ("B90", org_b, 90, "mediating"),
    ):
        MediationCaseFactory(
            number=f"TJ-{number}{tag}",
            organization=org,
            received_date=TODAY - age * DAY,
            status=status,
            closed_date=TODAY if status == "succeeded" else None,
        )


@pytest.fixture
def world(org_a, org_b, admin_a, member_a, member_b, staff, leader):
    build(org_a, org_b, admin_a, member_a)


# --- what the database holds, computed row by row -------------------------------------------------


def visible_orgs(user):
    return set(member_org_ids(user).values_list("organization_id", flat=True))


def expected_overdue(orgs=None):
    """Key-care people behind their cadence: the last visit not withdrawn (else the day they
    became key-care), more than 30 // cadence days ago."""
    found = []
    for person in Beneficiary.objects.filter(key_care=True, active=True):
        if orgs is not None and person.organization_id not in orgs:
            continue
        dates = [v.visit_date for v in Visit.all_objects.filter(beneficiary=person) if v.withdrawn_at is None]
        dates = [d for d in dates if d <= TODAY]
        last = max(dates) if dates else (person.key_care_since or person.created_at.date())
        if (TODAY - last).days > 30 // person.visit_cadence:
            found.append(person)
    return found


def expected_missing(orgs=None):
    start, end = month_bounds(last_month(TODAY))
    found = []
    for project in CharityProject.objects.all():
        if orgs is not None and project.organization_id not in orgs:
            continue
        if project.status != "in_progress" or project.start_date > end or project.end_date < start:
            continue
        covered = [
            r
            for r in project.reports.all()
            if r.status in ("submitted", "approved") and r.period_start <= end and r.period_end >= start
        ]
        if not covered:
            found.append(project)
    return found


def items_of(html):
    """{key: (count, url)} of the work items on a home page."""
    items = {}
    for key, count, body in re.findall(r'data-item="([^"]+)" data-count="(\d+)">(.*?)</li>\n', html, re.S):
        url = re.search(r'class="work-link" href="([^"]+)"', body).group(1).replace("&amp;", "&")
        items[key] = (int(count), url)
    return items


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def shows_exactly(html, wanted, others):
    missing = [name for name in wanted if name not in html]
    leaked = [name for name in others if name not in wanted and name in html]
    return missing, leaked


# --- members and admins ----------------------------------------------------------------------------


def test_a_member_sees_her_organizations_overdue_people_and_her_week(world, member_a, org_a, client_for):
    client = client_for(member_a)
    items = items_of(page_of(client, reverse("home")))
    assert set(items) == {"overdue", "my_visits_week"}  # not an admin: no reports, invitations, imports

    overdue = expected_overdue(visible_orgs(member_a))
    assert {p.name for p in overdue} == {"逾期甲0", "逾期甲1", "撤回甲"}
    assert items["overdue"][0] == len(overdue)
    listing = page_of(client, items["overdue"][1])
    everyone = list(Beneficiary.objects.values_list("name", flat=True))
    assert shows_exactly(listing, [p.name for p in overdue], everyone) == ([], [])

    monday = TODAY - TODAY.weekday() * DAY
    mine = [
        v
        for v in Visit.all_objects.all()
        if v.created_by_id == member_a.pk and v.withdrawn_at is None and monday <= v.visit_date <= monday + 6 * DAY
    ]
    assert items["my_visits_week"][0] == len(mine) == 2
    listing = page_of(client, items["my_visits_week"][1])
    visited = [v.beneficiary.name for v in Visit.all_objects.select_related("beneficiary")]
    assert shows_exactly(listing, [v.beneficiary.name for v in mine], visited) == ([], [])


def test_an_admin_sees_reports_invitations_and_imports_waiting_for_her(world, admin_a, org_a, client_for):
    client = client_for(admin_a)
    html = page_of(client, reverse("home"))
    items = items_of(html)
    orgs = visible_orgs(admin_a)

    returned = [r for r in ProjectReport.objects.all() if r.status == "returned" and r.project.organization_id in orgs]
    assert items["reports_returned"][0] == len(returned) == 2
    # With the reviewer's comments on the home page itself.
    assert "请补充活动照片" in html and "支出明细不全" in html
    listing = page_of(client, items["reports_returned"][1])
    projects = list(CharityProject.objects.values_list("name", flat=True))
    assert shows_exactly(listing, [r.project.name for r in returned], projects) == ([], [])

    missing = expected_missing(orgs)
    assert {p.name for p in missing} == {"巧手编织（甲）", "老妇女主任关爱（甲）", "巾帼创业帮扶（甲）"}
    assert items["reports_missing"][0] == len(missing)
    listing = page_of(client, items["reports_missing"][1])
    assert shows_exactly(listing, [p.name for p in missing], projects) == ([], [])

    now = timezone.now()
    pending = [
        i for i in Invitation.objects.all() if i.organization == org_a and i.status == "pending" and i.expires_at > now
    ]
    key = f"invitations_{org_a.pk}"
    assert items[key][0] == len(pending) == 2
    page = page_of(client, items[key][1].split("#")[0])
    table = page.split('id="invitations"')[1].split("</table>")[0]
    emails = list(Invitation.objects.values_list("email", flat=True))
    assert shows_exactly(table, [i.email for i in pending], emails) == ([], [])

    waiting = [
        j
        for j in ImportJob.objects.all()
        if j.user_id == admin_a.pk
        and (j.status in ("previewed", "rejected") or (j.status == "failed" and j.updated_at > now - 7 * DAY))
    ]
    assert items["imports"][0] == len(waiting) == 3
    listing = page_of(client, items["imports"][1].split("#")[0])
    names = list(ImportJob.objects.values_list("original_name", flat=True))
    assert shows_exactly(listing.split('id="jobs"')[1], [j.original_name for j in waiting], names) == ([], [])


def test_organization_b_counts_only_its_own(world, member_b, client_for):
    items = items_of(page_of(client_for(member_b), reverse("home")))
    overdue = expected_overdue(visible_orgs(member_b))
    assert {p.name for p in overdue} == {"逾期乙0", "逾期乙1", "撤回乙"}
    assert items["overdue"][0] == 3 and items["my_visits_week"][0] == 0


# --- staff and leaders -----------------------------------------------------------------------------


def test_staff_see_the_review_queue_missing_reports_old_cases_and_overdue_by_town(world, staff, client_for):
    client = client_for(staff)
    html = page_of(client, reverse("home"))
    items = items_of(html)

    waiting = [r for r in ProjectReport.objects.all() if r.status == "submitted"]
    assert items["reports_awaiting"][0] == len(waiting) == 2
    assert "已等待 3 天" in html  # the oldest, with its age
    listing = page_of(client, items["reports_awaiting"][1])
    projects = list(CharityProject.objects.values_list("name", flat=True))
    assert shows_exactly(listing, [r.project.name for r in waiting], projects) == ([], [])

    missing = expected_missing()
    assert items["reports_missing"][0] == len(missing) == 6
    assert "涉及 2 个组织" in html
    listing = page_of(client, items["reports_missing"][1])
    assert shows_exactly(listing, [p.name for p in missing], projects) == ([], [])

    old = [
        c
        for c in MediationCase.objects.all()
        if c.status in ("received", "mediating") and (TODAY - c.received_date).days > 60
    ]
    assert {c.number for c in old} == {"TJ-A70", "TJ-A61", "TJ-B90"}
    assert items["cases_open_long"][0] == len(old)
    listing = page_of(client, items["cases_open_long"][1])
    numbers = list(MediationCase.objects.values_list("number", flat=True))
    assert shows_exactly(listing, [c.number for c in old], numbers) == ([], [])

    overdue = expected_overdue()
    assert items["overdue"][0] == len(overdue) == 6
    everyone = list(Beneficiary.objects.values_list("name", flat=True))
    for town in Town.objects.filter(pk__in={p.town_id for p in overdue}):
        in_town = [p.name for p in overdue if p.town_id == town.pk]
        link = re.search(rf'<a href="([^"]+)">{town.name}</a> <span class="work-row-note">(\d+) 人', html)
        assert int(link.group(2)) == len(in_town)
        listing = page_of(client, link.group(1).replace("&amp;", "&"))
        assert shows_exactly(listing, in_town, everyone) == ([], [])


def test_leaders_see_this_months_figures_against_last_month_and_the_latest_pdf(world, leader, client_for):
    from reports.building import build_report
    from reports.services import prepare_report
    from reports.statistics import Scope, compute

    scope = Scope.district()
    VisitFactory(beneficiary=Beneficiary.objects.first(), visit_date=TODAY)
    report = prepare_report(month=last_month(TODAY), scope=scope)
    build_report(report.pk)
    html = page_of(client_for(leader), reverse("home"))
    assert 'data-item="' not in html  # figures and a PDF, no queues of records
    stats = compute(TODAY.replace(day=1), scope)
    visits = re.search(r'data-figure="visits">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', visits)
    month_visits = len(
        [v for v in Visit.objects.all() if v.visit_date >= TODAY.replace(day=1) and v.visit_date <= TODAY]
    )
    assert month_visits >= 1
    assert cells[0] == str(stats["month_figures"]["visits"]) == str(month_visits)
    assert cells[1] == str(stats["previous_month_figures"]["visits"])
    assert reverse("reports:report_download", args=[report.pk]) in html
    # No personal data on a leader's home page.
    for name in Beneficiary.objects.values_list("name", flat=True):
        assert name not in html


def test_the_home_page_no_longer_repeats_the_navigation(world, member_a, client_for):
    html = page_of(client_for(member_a), reverse("home"))
    main = html.split('<main id="main"')[1]
    assert 'class="tiles"' not in main
    assert f'href="{reverse("home")}"' not in main  # no 首页 link to itself


# --- one query budget per role, whatever the data ------------------------------------------------

# Queries of the whole page (session, user, bell, invitations, the queues).  A leader's first
# visit computes the month's figures (shared with the dashboard's cache for a few minutes).
# The referral items (referrals.queries.home_items) add one aggregate, and one query for the
# examples when some referral waits (tests/referrals/test_home_items.py pins them); the leader's
# month figures have the referral domain (one query per grouping: district, town, organization).
BUDGET = {"staff": 9 + 2, "leader": 33 + 3, "admin_a": 13 + 2, "member_a": 8 + 2, "member_b": 8 + 2}


@pytest.mark.parametrize("role", list(BUDGET))
def test_the_page_costs_a_fixed_number_of_queries(
    role, org_a, org_b, admin_a, member_a, member_b, staff, leader, client_for, django_assert_max_num_queries
):
    users = {"staff": staff, "leader": leader, "admin_a": admin_a, "member_a": member_a, "member_b": member_b}
    client = client_for(users[role])
    build(org_a, org_b, admin_a, member_a)
    client.get(reverse("home"))  # the session is loaded once
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    for n in range(1, 4):
        build(org_a, org_b, admin_a, member_a, tag=f"-{n}")
    cache.clear()
    with django_assert_max_num_queries(BUDGET[role]):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as large:
        cache.clear()
        client.get(reverse("home"))
    assert len(large) == len(small), (
        f"{role}: {len(small)} queries with little data, {len(large)} with four times as much"
    )
