"""The portal's main pages with records on them, as the role that uses each: what the HTML
validator (tests/test_valid_html.py) and axe-core (tests/browser/test_accessibility.py) check.

``build_site(...)`` makes organization A's records (a key-care person with visits, a case with
parties and a timeline, a project with a returned report, a training session, a finished PDF,
an import waiting for confirmation, a notification) and returns ``[(name, role, method, path,
data)]``: each page once per role that mainly uses it."""

import datetime

from django.urls import reverse
from django.utils import timezone

TODAY = timezone.localdate()


def build_site(org_a, org_b, users):
    from cases import services as case_services
    from core.models import Notification
    from organizations.models import Invitation, Membership
    from reports.building import build_report
    from reports.services import prepare_report
    from reports.statistics import Scope
    from spreadsheets.models import ImportJob
    from tests.factories import (
        AttendanceFactory,
        BeneficiaryFactory,
        CharityProjectFactory,
        ProjectReportFactory,
        TrainingSessionFactory,
        VisitFactory,
    )

    admin_a, member_a = users["admin_a"], users["member_a"]
    person = BeneficiaryFactory(
        name="王秀英",
        organization=org_a,
        key_care=True,
        visit_cadence=2,
        key_care_since=TODAY - 60 * datetime.timedelta(days=1),
    )
    visit = VisitFactory(beneficiary=person, visit_date=TODAY - datetime.timedelta(days=20), created_by=member_a)
    BeneficiaryFactory(name="李桂英", organization=org_a)
    case = case_services.case_create(
        organization=org_a,
        actor=member_a,
        category="elder_support",
        received_date=TODAY - datetime.timedelta(days=70),
        summary="四个子女互相推脱赡养义务。",
        applicant_name="王奶奶",
        applicant_phone="13857420001",
        respondent_names="王大、王二",
    )
    case_services.case_transition(case=case, to_status="mediating", actor=member_a)
    project = CharityProjectFactory(organization=org_a, name="关爱老妇女主任")
    report = ProjectReportFactory(
        project=project, status="returned", review_comment="请补充活动照片。", reviewed_at=timezone.now()
    )
    session = TrainingSessionFactory(organization=org_a, title="母婴护理培训")
    AttendanceFactory(session=session, name="陈芳")
    monthly = prepare_report(month=TODAY.replace(day=1), scope=Scope.district())
    build_report(monthly.pk)
    job = ImportJob.objects.create(
        user=admin_a,
        resource="beneficiaries",
        original_name="服务对象.xlsx",
        file="imports/page-check",
        status="previewed",
        total_rows=1,
        summary={"total": 1, "new": 1, "updated": 0, "unchanged": 0, "rejected": 0},
    )
    Invitation.objects.create(
        organization=org_a,
        user=users["member_b"],
        email=users["member_b"].email,
        invited_by=admin_a,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    Notification.objects.create(
        user=admin_a,
        kind="report_returned",
        text="项目“关爱老妇女主任”的进展报告被退回。\n审核意见：请补充活动照片。",
        url=reverse("projects:report_detail", args=[report.pk]),
        key="pages:1",
    )
    membership = Membership.objects.get(user=member_a, organization=org_a)
    from referrals import services as referral_services

    referral = referral_services.referral_create(
        person=person,
        from_organization=org_a,
        to_organization=org_b,
        actor=member_a,
        reason="family_mediation",
        note="子女互相推脱赡养义务。",
        urgency="urgent",
        consent_date=TODAY,
        consent_method="verbal",
        source_visit=visit,
    )

    def url(name, *args, query=""):
        return reverse(name, args=args) + (f"?{query}" if query else "")

    get = [
        ("login", "anon", url("account_login")),
        ("home", "staff", url("home")),
        ("home", "leader", url("home")),
        ("home", "admin_a", url("home")),
        ("home", "member_a", url("home")),
        ("notifications", "admin_a", url("notifications:list")),
        ("beneficiary list", "staff", url("beneficiaries:list")),
        ("visit list", "member_a", url("beneficiaries:visit_list")),
        ("overdue list", "member_a", url("beneficiaries:overdue")),
        ("case list", "staff", url("cases:list")),
        ("project list", "staff", url("projects:list")),
        ("report list", "admin_a", url("projects:report_list", query="status=returned")),
        ("review queue", "staff", url("projects:review_queue")),
        ("missing reports", "staff", url("projects:missing_reports")),
        ("organization list", "staff", url("organizations:list")),
        ("training list", "staff", url("training:list")),
        ("beneficiary", "member_a", url("beneficiaries:detail", person.pk)),
        ("visit", "member_a", url("beneficiaries:visit_detail", visit.pk)),
        ("case", "member_a", url("cases:detail", case.pk)),
        ("project", "admin_a", url("projects:detail", project.pk)),
        ("report", "admin_a", url("projects:report_detail", report.pk)),
        ("organization", "admin_a", url("organizations:detail", org_a.pk)),
        ("organization (staff)", "staff", url("organizations:detail", org_a.pk)),
        ("training session", "staff", url("training:detail", session.pk)),
        ("new beneficiary", "member_a", url("beneficiaries:create")),
        ("visit: find", "member_a", url("beneficiaries:visit_create")),
        ("visit: form", "member_a", url("beneficiaries:visit_create_for", person.pk)),
        ("new case", "member_a", url("cases:create")),
        ("case edit", "member_a", url("cases:edit", case.pk)),
        ("organization edit", "admin_a", url("organizations:edit", org_a.pk)),
        ("remove member", "admin_a", url("organizations:member_remove", org_a.pk, membership.pk)),
        ("new project", "staff", url("projects:create")),
        ("report form", "admin_a", url("projects:report_edit", report.pk)),
        ("new training", "staff", url("training:create")),
        ("dashboard", "leader", url("reports:dashboard")),
        ("dashboard (organization)", "admin_a", url("reports:dashboard")),
        ("monthly reports", "leader", url("reports:report_list")),
        ("monthly report", "leader", url("reports:report_status", monthly.pk)),
        ("spreadsheets", "admin_a", url("spreadsheets:index")),
        ("referral list", "member_a", url("referrals:list", query="box=outgoing")),
        ("referral", "member_a", url("referrals:detail", referral.pk)),
        ("referral (receiver)", "member_b", url("referrals:detail", referral.pk)),
        ("new referral", "member_a", url("referrals:create", person.pk)),
        ("referral from a case", "member_a", url("referrals:from_case", case.pk)),
        ("import job", "admin_a", url("spreadsheets:job", job.pk)),
        ("offline visits", "member_a", url("offline_visits")),
        ("device tokens", "member_a", url("account_api_tokens")),
    ]
    pages = [(name, role, "get", path, None) for name, role, path in get]
    # Forms sent back with errors: each error next to its field.
    pages += [
        ("case status refused", "member_a", "post", url("cases:transition", case.pk), {"status": "succeeded"}),
        ("new case refused", "member_a", "post", url("cases:create"), {"applicant_phone": "12"}),
        ("new beneficiary refused", "member_a", "post", url("beneficiaries:create"), {"id_number": "330283"}),
        ("device token created", "member_a", "post", url("account_api_tokens"), {"name": "我的手机"}),
        ("new referral refused", "member_a", "post", url("referrals:create", person.pk), {"reason": ""}),
        ("referral reject refused", "member_b", "post", url("referrals:reject", referral.pk), {}),
    ]
    return pages
