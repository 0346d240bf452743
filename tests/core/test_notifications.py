"""Notifications: one function (core.notifications.notify) writes the in-portal notice and sends
the same text by email with an absolute link, once per key; the bell counts the unread ones; a
person opens only their own; each event of the portal announces itself through it."""

import datetime
import re

import pytest
from django.urls import reverse

from core.models import Email, Notification
from core.notifications import notify
from tests.factories import CharityProjectFactory, ProjectReportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://lanxin.example.cn"


def test_notify_writes_a_notice_and_the_same_text_by_email_once_per_key(
    site, staff, admin_a, mailoutbox, django_capture_on_commit_callbacks
):
    inactive = UserFactory(email="gone@example.cn", is_active=False)
    for _attempt in range(2):  # announced twice (a task run again): told once
        with django_capture_on_commit_callbacks(execute=True):
            notify(
                users=[staff, admin_a, inactive, staff],
                kind="report_returned",
                text="项目“关爱老妇女主任”的进展报告被退回。",
                url="/projects/reports/5/",
                key="projects.report-returned:5:2026-11-30",
            )
    assert sorted(Notification.objects.values_list("user__email", flat=True)) == sorted([staff.email, admin_a.email])
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.email, admin_a.email])
    for mail in mailoutbox:
        assert len(mail.to) == 1  # recipients do not see each other
        assert "项目“关爱老妇女主任”的进展报告被退回。" in mail.body
        assert "https://lanxin.example.cn/projects/reports/5/" in mail.body
        assert mail.subject.startswith("【兰馨HUI】")
    # Another event (another key) is another notice.
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[staff], kind="x", text="另一件事", url="/", key="other:1")
    assert Notification.objects.filter(user=staff).count() == 2 and len(mailoutbox) == 3


def test_the_bell_counts_unread_and_opening_marks_read(staff, member_a, client_for):
    first, second = (
        Notification.objects.create(user=member_a, kind="k", text=f"通知{n}", url="/projects/", key=f"k{n}")
        for n in (1, 2)
    )
    Notification.objects.create(user=staff, kind="k", text="别人的通知", url="/", key="k3")
    client = client_for(member_a)
    home = client.get(reverse("home")).content.decode()
    bell = re.search(r'<a class="bell[^"]*" href="/notifications/">(.*?)</a>', home, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", bell).split() == ["通知", "未读", "2"]
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "通知1" in listing and "通知2" in listing and "别人的通知" not in listing

    response = client.get(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/projects/"
    first.refresh_from_db()
    assert first.read_at is not None
    assert "未读 1" in re.sub(r"<[^>]+>", "", client.get(reverse("home")).content.decode())
    # Another person's notification does not exist for her.
    other = Notification.objects.get(user=staff)
    assert client.get(reverse("notifications:open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None

    client.post(reverse("notifications:read_all"))
    second.refresh_from_db()
    assert second.read_at is not None
    home = client.get(reverse("home")).content.decode()
    assert "bell-count" not in home
    assert Notification.objects.get(user=staff).read_at is None


def test_a_notification_never_leads_off_the_portal(member_a, client_for):
    notice = Notification.objects.create(user=member_a, kind="k", text="t", url="https://evil.example/", key="e")
    response = client_for(member_a).get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_the_bell_costs_one_query(member_a, client_for, django_assert_num_queries):
    from django.template import Context, Template
    from django.test import RequestFactory

    from fenghua_portal.context_processors import portal

    Notification.objects.create(user=member_a, kind="k", text="t", url="/", key="a")
    request = RequestFactory().get("/")
    request.user = member_a
    context = portal(request)
    with django_assert_num_queries(1):
        html = Template('{% include "includes/bell.html" %}').render(Context(context))
    assert "1" in html


# --- the portal's events ------------------------------------------------------------------------


def test_a_returned_report_tells_the_admins_with_the_comment(
    site, org_a, admin_a, member_a, staff, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    project = CharityProjectFactory(organization=org_a, name="关爱老妇女主任")
    report = ProjectReportFactory(
        project=project,
        status="submitted",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(staff).post(reverse("projects:report_return", args=[report.pk]), {"review_comment": "请补充照片。"})
    (notice,) = Notification.objects.filter(user=admin_a)
    assert notice.kind == "report_returned" and "请补充照片。" in notice.text and "关爱老妇女主任" in notice.text
    assert notice.url == reverse("projects:report_detail", args=[report.pk])
    assert not Notification.objects.filter(user=member_a).exists()  # admins are told
    (mail,) = mailoutbox
    assert notice.text in mail.body
    assert f"https://lanxin.example.cn/projects/reports/{report.pk}/" in mail.body
    # The admin sees it under the bell, and its link opens the report.
    admin = client_for(admin_a)
    assert "请补充照片。" in admin.get(reverse("notifications:list")).content.decode()
    assert admin.get(reverse("notifications:open", args=[notice.pk]), follow=True).status_code == 200


def test_a_submitted_report_tells_the_staff(org_a, admin_a, staff, client_for, django_capture_on_commit_callbacks):
    project = CharityProjectFactory(organization=org_a)
    report = ProjectReportFactory(project=project, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(admin_a).post(reverse("projects:report_submit", args=[report.pk]))
    (notice,) = Notification.objects.filter(user=staff)
    assert notice.kind == "report_submitted" and org_a.name in notice.text


def test_an_invitation_is_a_notification_and_an_email(
    site, org_a, admin_a, member_b, mailoutbox, django_capture_on_commit_callbacks
):
    from organizations.services import membership_add

    with django_capture_on_commit_callbacks(execute=True):
        membership_add(organization=org_a, email=member_b.email, full_name="", role="member", actor=admin_a)
    (notice,) = Notification.objects.filter(user=member_b)
    assert notice.kind == "invitation" and org_a.name in notice.text and notice.url == "/#invitations"
    (mail,) = mailoutbox
    assert notice.text in mail.body and "https://lanxin.example.cn/#invitations" in mail.body


def test_an_import_tells_its_uploader_how_it_ended(admin_a, org_a, client_for, tmp_path):
    from spreadsheets.models import ImportJob
    from tests.spreadsheets.helpers import write_xlsx
    from tests.spreadsheets.test_rejections import B_HEADERS, person
    from tests.spreadsheets.test_web import upload

    client = client_for(admin_a)
    upload(client, write_xlsx(tmp_path / "服务对象.xlsx", B_HEADERS, [person(1, org_a)]))
    job = ImportJob.objects.get()
    assert not Notification.objects.exists()  # the preview shows on the page the person is on
    client.post(reverse("spreadsheets:job_confirm", args=[job.pk]))
    (notice,) = Notification.objects.filter(user=admin_a)
    assert notice.kind == "import_done" and "服务对象.xlsx" in notice.text and "新增 1 条" in notice.text
    assert notice.url == reverse("spreadsheets:job", args=[job.pk])


def test_a_failed_import_is_announced(admin_a, org_a):
    from spreadsheets.models import ImportJob
    from spreadsheets.services import jobs_sweep_stuck

    job = ImportJob.objects.create(user=admin_a, resource="beneficiaries", original_name="大表.xlsx", status="running")
    ImportJob.objects.filter(pk=job.pk).update(updated_at=job.updated_at - datetime.timedelta(days=1))
    assert jobs_sweep_stuck() == 1
    (notice,) = Notification.objects.filter(user=admin_a)
    assert notice.kind == "import_failed" and "大表.xlsx" in notice.text and "重试" in notice.text


def test_a_ready_pdf_tells_whoever_asked(staff, leader, django_capture_on_commit_callbacks):
    from reports.services import request_report
    from reports.statistics import Scope

    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(month=datetime.date(2026, 3, 1), scope=Scope.district(), user=leader)
    report.refresh_from_db()
    assert report.status == "done"
    (notice,) = Notification.objects.filter(user=leader)
    assert notice.kind == "pdf_ready" and "2026年3月" in notice.text and "奉化区" in notice.text
    assert notice.url == reverse("reports:report_status", args=[report.pk])
    assert not Notification.objects.filter(user=staff).exists()
    assert Email.objects.filter(to=[leader.email]).count() == 1
