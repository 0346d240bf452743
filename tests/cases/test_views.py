import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import CaseAttachment, MediationCase
from tests.factories import BeneficiaryFactory, CasePartyFactory

from .conftest import EXE, JPEG, PDF, PNG, make_case

pytestmark = pytest.mark.django_db


def _upload(client, case, name, content, content_type="application/pdf"):
    return client.post(
        reverse("cases:attachment_upload", args=[case.pk]),
        {"file": SimpleUploadedFile(name, content, content_type), "description": "赡养承诺书"},
        follow=True,
    )


# --- confidentiality -------------------------------------------------------------------------


def test_the_handling_organization_and_staff_read_the_case(case_a, staff, member_a, client_for):
    CasePartyFactory(case=case_a, name="王奶奶", phone="13857420000")
    for user in (staff, member_a):
        response = client_for(user).get(reverse("cases:detail", args=[case_a.pk]))
        assert response.status_code == 200
        content = response.content.decode()
        assert case_a.number in content and "王奶奶" in content and "推脱赡养义务" in content


def test_other_organizations_and_leaders_get_404_on_every_case_page(case_a, staff, leader, member_b, client_for):
    services.attachment_add(case=case_a, actor=staff, upload=SimpleUploadedFile("a.pdf", PDF))
    attachment = case_a.attachments.get()
    urls = [
        reverse("cases:detail", args=[case_a.pk]),
        reverse("cases:edit", args=[case_a.pk]),
        reverse("cases:history", args=[case_a.pk]),
        reverse("cases:attachment_download", args=[case_a.pk, attachment.pk]),
    ]
    for user in (leader, member_b):
        for url in urls:
            assert client_for(user).get(url).status_code == 404, (user, url)
    assert client_for(leader).get(reverse("cases:list")).status_code == 404
    assert client_for(leader).get(reverse("cases:create")).status_code == 404


def test_lists_show_only_the_own_organizations_cases(org_a, org_b, member_a, member_b, staff, client_for):
    a = make_case(org_a)
    b = make_case(org_b)
    page_a = client_for(member_a).get(reverse("cases:list")).content.decode()
    assert a.number in page_a and b.number not in page_a
    page_b = client_for(member_b).get(reverse("cases:list")).content.decode()
    assert b.number in page_b and a.number not in page_b
    page_staff = client_for(staff).get(reverse("cases:list")).content.decode()
    assert a.number in page_staff and b.number in page_staff


def test_list_filters_by_status_and_period(org_a, staff, client_for):
    open_case = make_case(org_a, status="mediating")
    closed = make_case(org_a, status="succeeded")
    page = client_for(staff).get(reverse("cases:list"), {"status": "succeeded"}).content.decode()
    assert closed.number in page and open_case.number not in page
    page = client_for(staff).get(reverse("cases:list"), {"received_from": "2026-04-01"}).content.decode()
    assert closed.number not in page and "没有符合条件的案件" in page


def test_a_party_links_only_to_a_beneficiary_the_user_can_see(case_a, org_b, member_a):
    from django.core.exceptions import ValidationError

    own = BeneficiaryFactory(organization=case_a.organization)
    other = BeneficiaryFactory(organization=org_b)
    party = services.party_add(
        case=case_a, actor=member_a, role="applicant", name="王奶奶", beneficiary_id_number=own.id_number
    )
    assert party.beneficiary == own
    with pytest.raises(ValidationError, match="没有找到"):
        services.party_add(
            case=case_a, actor=member_a, role="respondent", name="李某", beneficiary_id_number=other.id_number
        )


# --- create, edit, transitions through the pages -------------------------------------------------


def test_a_member_opens_a_case_and_gets_a_number(org_a, member_a, client_for):
    response = client_for(member_a).post(
        reverse("cases:create"),
        {
            "organization": org_a.pk,
            "category": "elder_support",
            "source": "walk_in",
            "received_date": "2026-03-05",
            "summary": "四个子女互相推脱赡养。",
            "applicant_name": "王奶奶",
            "respondent_names": "王大，王二",
        },
        follow=True,
    )
    assert response.status_code == 200
    case = MediationCase.objects.get()
    assert case.number == "TJ-2026-0001"
    assert "案件 TJ-2026-0001 已受理登记" in response.content.decode()


def test_the_edit_page_refuses_a_stale_form(case_a, member_a, admin_a, client_for):
    url = reverse("cases:edit", args=[case_a.pk])
    form = {"category": "elder_support", "source": "walk_in", "received_date": "2026-03-05", "version": case_a.version}
    first = client_for(member_a).post(url, {**form, "summary": "第一人的修改"})
    assert first.status_code == 302
    second = client_for(admin_a).post(url, {**form, "summary": "第二人的修改"})
    assert second.status_code == 200
    html = second.content.decode()
    assert "该案件已被组织A志愿者修改" in html and "本次内容没有保存" in html
    assert "案情简述：" in html and "第一人的修改" in html
    case_a.refresh_from_db()
    assert case_a.summary == "第一人的修改"


def test_closing_through_the_page_and_a_refused_step_shows_the_reason(case_a, member_a, client_for):
    client = client_for(member_a)
    url = reverse("cases:transition", args=[case_a.pk])
    response = client.post(
        url, {"status": "succeeded", "closed_date": "2026-03-20", "outcome": "达成协议"}, follow=True
    )
    assert "案件状态不能从“受理”变为“调解成功”" in response.content.decode()
    client.post(url, {"status": "mediating"})
    response = client.post(
        url, {"status": "succeeded", "closed_date": "2026-03-20", "outcome": "签订赡养承诺书"}, follow=True
    )
    assert "案件状态已变更为“调解成功”" in response.content.decode()
    case_a.refresh_from_db()
    assert case_a.status == "succeeded" and case_a.closed_date == datetime.date(2026, 3, 20)


def test_staff_see_the_edit_history(case_a, staff, member_a, client_for):
    services.case_transition(case=case_a, to_status="mediating", actor=member_a)
    page = client_for(staff).get(reverse("cases:history", args=[case_a.pk])).content.decode()
    assert "受理 → 调解中" in page and member_a.full_name in page
    assert client_for(member_a).get(reverse("cases:history", args=[case_a.pk])).status_code == 403


def test_timeline_entries_have_author_and_time(case_a, member_a, client_for):
    client = client_for(member_a)
    client.post(
        reverse("cases:event_add", args=[case_a.pk]),
        {"kind": "home_visit", "at": "2026-03-06T15:30", "text": "上门走访王大家。"},
    )
    page = client.get(reverse("cases:detail", args=[case_a.pk])).content.decode()
    assert "上门走访王大家。" in page and "2026-03-06 15:30" in page and member_a.full_name in page


# --- attachments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, content_type",
    [("承诺书.pdf", PDF, "application/pdf"), ("照片.png", PNG, "image/png"), ("照片.JPG", JPEG, "image/jpeg")],
)
def test_pdf_and_images_are_accepted_and_downloaded_privately(
    case_a, member_a, settings, client_for, name, content, content_type
):
    client = client_for(member_a)
    response = _upload(client, case_a, name, content)
    assert "附件已上传" in response.content.decode()
    attachment = CaseAttachment.objects.get()
    assert attachment.content_type == content_type
    stored = settings.PRIVATE_STORAGE_ROOT / attachment.file.name
    assert stored.read_bytes() == content
    assert name.split(".")[0] not in attachment.file.name  # an unguessable name, not the user's
    download = client.get(reverse("cases:attachment_download", args=[case_a.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == content_type
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("setup.exe", EXE, "只能是PDF、JPEG或PNG"),
        ("承诺书.pdf", EXE, "只能是PDF、JPEG或PNG"),  # a renamed program
        ("承诺书.txt", b"hello", "只能是PDF、JPEG或PNG"),
        ("承诺书.exe", PDF, "扩展名与文件内容不符"),
        ("大文件.pdf", PDF + b"0" * (10 * 1024 * 1024), "不能超过10MB"),
    ],
)
def test_wrong_or_too_big_files_are_refused(case_a, member_a, settings, client_for, name, content, message):
    response = _upload(client_for(member_a), case_a, name, content)
    assert message in response.content.decode()
    assert not CaseAttachment.objects.exists()
    root = settings.PRIVATE_STORAGE_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_attachment_urls_of_another_case_are_refused(org_a, case_a, member_a, client_for):
    other = make_case(org_a)
    attachment = services.attachment_add(case=case_a, actor=member_a, upload=SimpleUploadedFile("a.pdf", PDF))
    assert (
        client_for(member_a).get(reverse("cases:attachment_download", args=[other.pk, attachment.pk])).status_code
        == 404
    )


# --- speed and the organization page ----------------------------------------------------------


def _list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("cases:list"), {"per_page": 200})  # steady state: filter options cached
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cases:list"), {"per_page": 200}).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_10_and_100_cases(org_a, org_b, staff, client_for):
    for n in range(10):
        make_case(org_a if n % 2 else org_b)
    client = client_for(staff)
    ten = _list_queries(client)
    for n in range(90):
        make_case(org_a if n % 2 else org_b)
    assert _list_queries(client) == ten


def test_the_organization_page_shows_case_counts_to_leaders_but_no_rows(org_a, leader, member_a, client_for):
    make_case(org_a, status="mediating")
    make_case(org_a, status="succeeded")
    make_case(org_a, status="succeeded")
    page = client_for(leader).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "家事调解" in page
    assert '<span class="value">3</span><span class="label">合计</span>' in page
    assert '<span class="value">2</span><span class="label">调解成功</span>' in page
    assert "查看本组织的案件" not in page and "TJ-" not in page
    page = client_for(member_a).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
    assert "查看本组织的案件" in page


def test_removing_a_party(case_a, member_a, member_b, leader, client_for):
    party = CasePartyFactory(case=case_a, name="王大", role="respondent")
    url = reverse("cases:party_remove", args=[case_a.pk, party.pk])
    assert client_for(member_b).post(url).status_code == 404
    assert client_for(leader).post(url).status_code == 404
    assert case_a.parties.filter(pk=party.pk).exists()
    assert client_for(member_a).post(url).status_code == 302
    assert not case_a.parties.filter(pk=party.pk).exists()


def test_staff_reopen_through_the_page(org_a, staff, admin_a, client_for):
    case = make_case(org_a, status="succeeded")
    url = reverse("cases:reopen", args=[case.pk])
    assert client_for(admin_a).post(url, {"reason": "复查"}).status_code == 403
    response = client_for(staff).post(url, {"reason": ""}, follow=True)
    assert "重新打开原因" in response.content.decode()
    client_for(staff).post(url, {"reason": "当事人反悔"})
    case.refresh_from_db()
    assert case.status == "mediating" and case.closed_date is None
