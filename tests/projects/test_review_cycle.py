"""draft → submitted → returned (comment) → revised → submitted → approved (locked), and the mails."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects import services
from projects.models import ProjectReport

from .conftest import report_for

pytestmark = pytest.mark.django_db

FIGURES = {
    "period_start": datetime.date(2026, 3, 1),
    "period_end": datetime.date(2026, 3, 31),
    "narrative": "本月走访老妇女主任30人次，开展健康讲座2场。",
    "people_served": 30,
    "funds_spent": Decimal("3000.00"),
    "people_employed": 0,
    "income_generated": Decimal("0"),
}


def test_the_whole_cycle_through_the_pages(
    project_a, admin_a, member_a, staff, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    member = client_for(member_a)
    reviewer = client_for(staff)
    form = {k: str(v) for k, v in FIGURES.items()}
    response = member.post(reverse("projects:report_create", args=[project_a.pk]), form)
    report = ProjectReport.objects.get()
    assert response.status_code == 302 and report.status == "draft" and report.created_by == member_a

    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("projects:report_submit", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_at is not None
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "待审核" in mailoutbox[0].subject and project_a.name in mailoutbox[0].subject

    queue = reviewer.get(reverse("projects:review_queue")).content.decode()
    assert project_a.name in queue

    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post(reverse("projects:report_return", args=[report.pk]), {"review_comment": "请补充活动照片。"})
    report.refresh_from_db()
    assert report.status == "returned" and report.review_comment == "请补充活动照片。" and report.reviewer == staff
    assert mailoutbox[1].to == [admin_a.email]
    assert "被退回" in mailoutbox[1].subject and "请补充活动照片。" in mailoutbox[1].body
    assert project_a.name not in reviewer.get(reverse("projects:review_queue")).content.decode()

    member.post(
        reverse("projects:report_edit", args=[report.pk]), {**form, "people_served": "32", "version": report.version}
    )
    report.refresh_from_db()
    assert report.people_served == 32
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("projects:report_submit", args=[report.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post(reverse("projects:report_approve", args=[report.pk]), {"review_comment": "同意。"})
    report.refresh_from_db()
    assert report.status == "approved"
    assert "已通过" in mailoutbox[-1].subject and mailoutbox[-1].to == [admin_a.email]
    assert len(mailoutbox) == 4

    # Approved is locked: no edit, no resubmit, no attachment.
    response = member.post(
        reverse("projects:report_edit", args=[report.pk]), {**form, "people_served": "99"}, follow=True
    )
    assert "不能修改" in response.content.decode()
    report.refresh_from_db()
    assert report.people_served == 32


def test_mails_are_sent_only_after_commit(project_a, admin_a, staff, mailoutbox, django_capture_on_commit_callbacks):
    report = report_for(project_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_submit(report=report, actor=admin_a)
    assert mailoutbox == [] and len(callbacks) == 1


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_submitted_and_approved_reports_cannot_be_edited_or_resubmitted(project_a, member_a, status):
    report = report_for(project_a, status=status)
    with pytest.raises(ValidationError, match="不能修改"):
        services.report_update(report=report, actor=member_a, version=report.version, people_served=1)
    with pytest.raises(ValidationError, match="不能提交"):
        services.report_submit(report=report, actor=member_a)


@pytest.mark.parametrize("status", ["draft", "returned", "approved"])
def test_only_submitted_reports_are_reviewed(project_a, staff, status):
    report = report_for(project_a, status=status)
    with pytest.raises(ValidationError, match="只有已提交的报告可以审核"):
        services.report_approve(report=report, actor=staff)
    with pytest.raises(ValidationError, match="只有已提交的报告可以审核"):
        services.report_return(report=report, actor=staff, comment="退回")


def test_returning_needs_a_comment(project_a, staff):
    report = report_for(project_a, status="submitted")
    with pytest.raises(ValidationError, match="需要填写审核意见"):
        services.report_return(report=report, actor=staff, comment="  ")
    report.refresh_from_db()
    assert report.status == "submitted"


def test_who_may_do_what(project_a, staff, leader, member_a, member_b):
    report = report_for(project_a, status="submitted")
    for user in (member_a, member_b, leader):
        with pytest.raises(PermissionDenied):
            services.report_approve(report=report, actor=user)
    draft = report_for(project_a, month=4)
    for user in (staff, member_b, leader):
        with pytest.raises(PermissionDenied):
            services.report_submit(report=draft, actor=user)
        with pytest.raises(PermissionDenied):
            services.report_create(
                project=project_a,
                actor=user,
                **{**FIGURES, "period_start": datetime.date(2026, 5, 1), "period_end": datetime.date(2026, 5, 31)},
            )


def test_submitting_needs_a_narrative(project_a, member_a):
    report = report_for(project_a, narrative="")
    with pytest.raises(ValidationError, match="请填写进展情况"):
        services.report_submit(report=report, actor=member_a)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"period_end": datetime.date(2026, 2, 1)}, "不能早于报告期开始"),
        ({"period_start": datetime.date(2025, 11, 1), "period_end": datetime.date(2025, 11, 30)}, "项目周期"),
        (
            {
                "period_start": datetime.date.today() + datetime.timedelta(days=3),
                "period_end": datetime.date.today() + datetime.timedelta(days=30),
            },
            "还没有开始",
        ),
    ],
)
def test_report_periods_are_checked(project_a, member_a, changes, message):
    with pytest.raises(ValidationError, match=message):
        services.report_create(project=project_a, actor=member_a, **{**FIGURES, **changes})


def test_one_report_per_period(project_a, member_a):
    services.report_create(project=project_a, actor=member_a, **FIGURES)
    with pytest.raises(ValidationError, match="已有这一报告期的报告"):
        services.report_create(project=project_a, actor=member_a, **FIGURES)


def test_no_report_before_the_project_is_approved(project_a, member_a):
    project_a.status = "declared"
    project_a.save()
    with pytest.raises(ValidationError, match="尚未立项"):
        services.report_create(project=project_a, actor=member_a, **FIGURES)


def test_project_status_moves_one_step_at_a_time(project_a, staff, admin_a, member_a):
    project_a.status = "declared"
    project_a.save()
    seen = []
    for _ in range(3):
        seen.append(services.project_advance(project=project_a, actor=staff).status)
    assert seen == ["approved", "in_progress", "completed"]
    with pytest.raises(ValidationError, match="已结项"):
        services.project_advance(project=project_a, actor=staff)
    with pytest.raises(ValidationError, match="已结项"):
        services.project_advance(project=project_a, actor=admin_a)
    with pytest.raises(PermissionDenied):
        services.project_advance(project=project_a, actor=member_a)


def test_staff_create_a_funded_project(org_a, funder, staff, client_for):
    form = {
        "name": "“袋鼠妈妈”关爱独抚女性",
        "organization": org_a.pk,
        "funder": funder.pk,
        "funding_source": "social",
        "amount": "120000.00",
        "start_date": "2026-01-01",
        "end_date": "2026-12-31",
        "target_beneficiaries": "40",
        "status": "approved",
        "description": "",
    }
    response = client_for(staff).post(reverse("projects:create"), {**form, "funder": org_a.pk})
    assert "资助方不能是承接组织本身" in response.content.decode()
    response = client_for(staff).post(reverse("projects:create"), {**form, "end_date": "2025-12-31"})
    assert "结束日期不能早于开始日期" in response.content.decode()
    response = client_for(staff).post(reverse("projects:create"), form)
    assert response.status_code == 302
    project = org_a.projects.get()
    assert project.funder == funder and project.amount == Decimal("120000.00") and project.status == "approved"


def test_earlier_review_comments_stay_on_the_report_after_approval(
    project_a, admin_a, member_a, staff, client_for, django_capture_on_commit_callbacks
):
    """Returned with a comment, revised, resubmitted, approved: both reviews are on the page."""
    member, reviewer = client_for(member_a), client_for(staff)
    member.post(reverse("projects:report_create", args=[project_a.pk]), {k: str(v) for k, v in FIGURES.items()})
    report = ProjectReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("projects:report_submit", args=[report.pk]))
        reviewer.post(reverse("projects:report_return", args=[report.pk]), {"review_comment": "请补充活动照片。"})
        member.post(reverse("projects:report_submit", args=[report.pk]))
        reviewer.post(reverse("projects:report_approve", args=[report.pk]), {"review_comment": "同意。"})
    report.refresh_from_db()
    assert report.status == "approved" and report.review_comment == "同意。"
    history = report.review_history()
    assert [(r["status"], r["comment"]) for r in history] == [("returned", "请补充活动照片。"), ("approved", "同意。")]
    page = member.get(reverse("projects:report_detail", args=[report.pk])).content.decode()
    section = page.split('id="review-history"', 1)[1].split("</section>", 1)[0]
    assert "请补充活动照片。" in section and "同意。" in section
    assert section.index("已退回") < section.index("已通过")
