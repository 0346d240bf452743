import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects import services
from projects.models import CharityProject, ProjectReport
from tests.factories import CharityProjectFactory

from .conftest import EXE, PDF, report_for

pytestmark = pytest.mark.django_db


def test_leaders_see_projects_and_approved_figures_but_no_narrative_or_attachments(
    project_a, admin_a, leader, client_for
):
    approved = report_for(
        project_a, status="approved", month=1, narrative="走访了张阿婆等30位老妇女主任。", people_served=30
    )
    draft = report_for(project_a, status="draft", month=2)
    services.report_attachment_add(report=draft, actor=admin_a, upload=SimpleUploadedFile("a.pdf", PDF))
    client = client_for(leader)
    assert project_a.name in client.get(reverse("projects:list")).content.decode()
    detail = client.get(reverse("projects:detail", args=[project_a.pk])).content.decode()
    assert reverse("projects:report_detail", args=[approved.pk]) in detail
    assert reverse("projects:report_detail", args=[draft.pk]) not in detail
    page = client.get(reverse("projects:report_detail", args=[approved.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert ">30<" in content and "张阿婆" not in content and "附件" not in content
    assert client.get(reverse("projects:report_detail", args=[draft.pk])).status_code == 404
    attachment = draft.attachments.get()
    assert client.get(reverse("projects:report_attachment_download", args=[draft.pk, attachment.pk])).status_code == 404


def test_the_undertaker_sees_narrative_and_attachments(project_a, admin_a, member_a, client_for):
    report = report_for(project_a, narrative="走访了张阿婆。")
    services.report_attachment_add(report=report, actor=admin_a, upload=SimpleUploadedFile("活动照片.pdf", PDF))
    content = client_for(member_a).get(reverse("projects:report_detail", args=[report.pk])).content.decode()
    assert "走访了张阿婆。" in content and "活动照片.pdf" in content


def test_the_funders_members_see_funded_projects_read_only(org_a, funder, funder_member, client_for):
    funded = CharityProjectFactory(organization=org_a, funder=funder, name="袋鼠妈妈关爱独抚女性")
    other = CharityProjectFactory(organization=org_a, name="别的项目")
    approved = report_for(funded, status="approved", month=1, narrative="具体个案情况")
    draft = report_for(funded, status="draft", month=2)
    assert set(CharityProject.objects.visible_to(funder_member)) == {funded}
    assert set(CharityProject.objects.funded_by_organizations_of(funder_member)) == {funded}
    assert set(ProjectReport.objects.visible_to(funder_member)) == {approved}
    client = client_for(funder_member)
    assert client.get(reverse("projects:detail", args=[funded.pk])).status_code == 200
    assert client.get(reverse("projects:detail", args=[other.pk])).status_code == 404
    page = client.get(reverse("projects:report_detail", args=[approved.pk])).content.decode()
    assert "具体个案情况" not in page
    assert client.get(reverse("projects:report_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("projects:report_create", args=[funded.pk])).status_code == 403
    assert "填写进展报告" not in client.get(reverse("projects:detail", args=[funded.pk])).content.decode()


def test_another_organization_gets_404(project_a, member_b, client_for):
    report = report_for(project_a)
    client = client_for(member_b)
    assert client.get(reverse("projects:detail", args=[project_a.pk])).status_code == 404
    assert client.get(reverse("projects:report_detail", args=[report.pk])).status_code == 404
    assert project_a.name not in client.get(reverse("projects:list")).content.decode()


def test_report_attachments_are_checked(project_a, admin_a, client_for, settings):
    report = report_for(project_a)
    client = client_for(admin_a)
    url = reverse("projects:report_attachment_upload", args=[report.pk])
    response = client.post(url, {"file": SimpleUploadedFile("报告.pdf", EXE)}, follow=True)
    assert "只能是PDF、JPEG或PNG" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("报告.pdf", PDF + b"0" * (10 * 1024 * 1024))}, follow=True)
    assert "不能超过10MB" in response.content.decode()
    assert not report.attachments.exists()
    client.post(url, {"file": SimpleUploadedFile("报告.pdf", PDF)})
    attachment = report.attachments.get()
    download = client.get(reverse("projects:report_attachment_download", args=[report.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Disposition"].startswith("attachment")


def test_no_attachment_on_an_approved_report(project_a, admin_a):
    from django.core.exceptions import ValidationError

    report = report_for(project_a, status="approved")
    with pytest.raises(ValidationError, match="不能添加附件"):
        services.report_attachment_add(report=report, actor=admin_a, upload=SimpleUploadedFile("a.pdf", PDF))
