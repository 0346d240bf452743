"""Training sessions: one person counts once, certificates, scoping and the pages' figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.privacy import mask_id_number
from tests.factories import AttendanceFactory, BeneficiaryFactory, TrainingSessionFactory, make_id_number, town
from training.models import Attendance, TrainingSession
from training.services import attendance_add, person_key_for, session_create

pytestmark = pytest.mark.django_db
ID = make_id_number(datetime.date(1985, 2, 3))


def add(session, actor, **values):
    return attendance_add(session=session, actor=actor, **values)


def test_person_key_is_the_id_number_else_the_phone():
    assert person_key_for(id_number=" 33028319850203002x ", phone="138") == "33028319850203002X"
    assert person_key_for(phone="138 5742-0001") == "13857420001"


def test_one_of_id_number_or_phone_is_required_and_checked(org_a, member_a):
    session = TrainingSessionFactory(organization=org_a)
    with pytest.raises(ValidationError) as exc:
        add(session, member_a, name="王丽")
    assert "至少填写一项" in exc.value.message_dict["id_number"][0]
    with pytest.raises(ValidationError) as exc:
        add(session, member_a, name="王丽", id_number=ID[:17] + ("0" if ID[17] != "0" else "1"))
    assert "校验位" in exc.value.message_dict["id_number"][0]


def test_one_person_once_per_session(org_a, member_a):
    session = TrainingSessionFactory(organization=org_a)
    add(session, member_a, name="王丽", id_number=ID)
    with pytest.raises(ValidationError) as exc:
        add(session, member_a, name="王丽", id_number=ID.lower())
    assert "已在本次培训名单中" in exc.value.message_dict["id_number"][0]


def test_person_times_against_distinct_people(org_a, member_a):
    sessions = [TrainingSessionFactory(organization=org_a, date=datetime.date(2026, 3, d)) for d in (1, 8, 15)]
    for session in sessions:
        add(session, member_a, name="王丽", id_number=ID)  # one woman at three sessions
        add(session, member_a, name="陈芳", phone="13857420001")  # one by phone at three sessions
    add(sessions[0], member_a, name="李静", phone="13857420002", attended=False)  # registered, absent
    add(
        sessions[1],
        member_a,
        name="周燕",
        phone="13857420003",
        certificate_obtained=True,
        certificate_number="FH-001",
        certificate_date=datetime.date(2026, 3, 20),
    )
    figures = Attendance.objects.filter(session__organization=org_a).figures()
    assert figures == {"person_times": 7, "distinct_people": 3, "certificates": 1}
    row = TrainingSession.objects.with_figures().get(pk=sessions[1].pk)
    assert (row.person_times, row.distinct_people, row.certificates) == (3, 3, 1)


def test_a_certificate_needs_attendance_a_number_and_a_date(org_a, member_a):
    session = TrainingSessionFactory(organization=org_a)
    with pytest.raises(ValidationError) as exc:
        add(session, member_a, name="王丽", id_number=ID, attended=False, certificate_obtained=True)
    assert {"certificate_obtained", "certificate_number", "certificate_date"} <= set(exc.value.message_dict)


def test_a_participant_who_is_a_visible_beneficiary_is_linked(org_a, org_b, member_a):
    person = BeneficiaryFactory(organization=org_a)
    stranger = BeneficiaryFactory(organization=org_b)
    session = TrainingSessionFactory(organization=org_a)
    assert add(session, member_a, name=person.name, id_number=person.id_number).beneficiary == person
    assert add(session, member_a, name=stranger.name, id_number=stranger.id_number).beneficiary is None


def test_same_title_same_day_same_organization_is_one_session(org_a, member_a):
    TrainingSessionFactory(organization=org_a, title="茶艺入门", date=datetime.date(2026, 3, 1))
    with pytest.raises(ValidationError) as exc:
        session_create(
            actor=member_a,
            organization=org_a,
            title="茶艺入门",
            date=datetime.date(2026, 3, 1),
            category="culture",
            town=town(),
        )
    assert "title" in exc.value.message_dict


def test_session_page_shows_figures_and_masked_ids(client_for, member_a, org_a):
    session = TrainingSessionFactory(organization=org_a)
    AttendanceFactory(session=session, name="王丽", id_number=ID, person_key=ID)
    AttendanceFactory(session=session, name="陈芳", id_number="", phone="13857420001", person_key="13857420001")
    html = client_for(member_a).get(reverse("training:detail", args=[session.pk])).content.decode()
    assert "王丽" in html and mask_id_number(ID) in html and ID not in html and "13857420001" not in html
    assert '<span class="value">2</span><span class="label">培训人次' in html


def test_attendance_is_added_and_removed_through_the_pages(client_for, member_a, member_b, org_a):
    session = TrainingSessionFactory(organization=org_a)
    client = client_for(member_a)
    response = client.post(
        reverse("training:attendance_add", args=[session.pk]), {"name": "王丽", "id_number": ID, "attended": "on"}
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get()
    assert attendance.person_key == ID
    assert client_for(member_b).post(reverse("training:attendance_remove", args=[attendance.pk])).status_code == 404
    response = client.post(
        reverse("training:attendance_edit", args=[attendance.pk]),
        {
            "name": "王丽",
            "id_number": "",
            "attended": "on",
            "certificate_obtained": "on",
            "certificate_number": "FH-9",
            "certificate_date": "2026-03-20",
            "version": attendance.version,
        },
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert attendance.id_number == ID and attendance.certificate_number == "FH-9"
    assert client.post(reverse("training:attendance_remove", args=[attendance.pk])).status_code == 302
    assert not Attendance.objects.exists()


def test_another_organizations_member_gets_404_and_leaders_403(client_for, member_b, leader, org_a):
    session = TrainingSessionFactory(organization=org_a, title="育婴师培训")
    attendance = AttendanceFactory(session=session)
    client = client_for(member_b)
    assert client.get(reverse("training:detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("training:attendance_edit", args=[attendance.pk])).status_code == 404
    assert "育婴师培训" not in client.get(reverse("training:list")).content.decode()
    assert client_for(leader).get(reverse("training:list")).status_code == 403


def test_organization_panel_counts_are_shown_to_leaders_without_names(client_for, leader, member_a, org_a):
    session = TrainingSessionFactory(organization=org_a)
    AttendanceFactory(
        session=session,
        name="王丽",
        id_number=ID,
        person_key=ID,
        certificate_obtained=True,
        certificate_number="FH-1",
        certificate_date=datetime.date(2026, 3, 20),
    )
    second = TrainingSessionFactory(organization=org_a)
    AttendanceFactory(session=second, name="王丽", id_number=ID, person_key=ID)
    for user in (leader, member_a):
        html = client_for(user).get(reverse("organizations:detail", args=[org_a.pk])).content.decode()
        assert '<span class="value">2</span><span class="label">培训场次' in html
        assert '<span class="value">2</span><span class="label">培训人次' in html
        assert '<span class="value">1</span><span class="label">培训人数（去重）' in html
        assert '<span class="value">1</span><span class="label">获证人数' in html
        assert "王丽" not in html


def _count(client, url):
    client.get(url)  # steady state: the filter's organization options cached
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _by_phone(session, i):
    phone = f"1395742{i:04d}"
    return AttendanceFactory(session=session, id_number="", phone=phone, person_key=phone)


def test_list_and_session_page_queries_do_not_grow_with_rows(client_for, staff, org_a):
    client = client_for(staff)
    session = TrainingSessionFactory(organization=org_a)
    for i in range(10):
        AttendanceFactory(session=TrainingSessionFactory(organization=org_a))
        _by_phone(session, i)
    list_url = reverse("training:list") + "?per_page=100"
    detail_url = reverse("training:detail", args=[session.pk])
    counts = (_count(client, list_url), _count(client, detail_url))
    for i in range(10, 100):
        AttendanceFactory(session=TrainingSessionFactory(organization=org_a))
        _by_phone(session, i)
    assert (_count(client, list_url), _count(client, detail_url)) == counts
