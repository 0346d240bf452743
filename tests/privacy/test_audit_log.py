"""The staff audit page of personal-data access and the one function that records an access."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from organizations.audit import Action, Subject, events_about, record_access
from organizations.models import DataAccessEvent
from tests.factories import BeneficiaryFactory, CasePartyFactory, MediationCaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(org_a, org_b, member_a, member_b, admin_a):
    """Three accesses: A's member reveals A's person's phone (1 March), B's member tries to
    register her (2 March), A's admin exports visits masked (3 March)."""
    person = BeneficiaryFactory(organization=org_a, name="蒋雅琴")
    other = BeneficiaryFactory(organization=org_b, name="乙组织的人")
    at = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0))
    reveal = record_access(
        actor=member_a,
        action=Action.REVEAL,
        subjects=[Subject("beneficiary", person.pk, org_a.pk)],
        organization=org_a,
        field="phone",
    )
    duplicate = record_access(
        actor=member_b,
        action=Action.DUPLICATE,
        subjects=[("beneficiary", person.pk, org_a.pk)],
        organization=org_a.pk,
        field="id_number",
    )
    export = record_access(
        actor=admin_a,
        action=Action.EXPORT_MASKED,
        resource="visits",
        row_count=12,
        filters={"organization": org_a.name},
        organization=org_a,
    )
    for n, event in enumerate((reveal, duplicate, export)):
        DataAccessEvent.objects.filter(pk=event.pk).update(at=at + datetime.timedelta(days=n))
    return {"person": person, "other": other}


def rows(client, **query):
    response = client.get(reverse("organizations:audit"), query)
    assert response.status_code == 200
    return [(event.user.full_name, event.get_action_display()) for event in response.context["page"]]


def test_staff_see_every_access_newest_first(staff, client_for, log):
    html = client_for(staff).get(reverse("organizations:audit")).content.decode()
    assert rows(client_for(staff)) == [
        ("组织A管理员", "脱敏导出"),
        ("组织B志愿者", "重复登记尝试"),
        ("组织A志愿者", "查看个人信息"),
    ]
    assert "走访记录" in html and "12 行" in html and "联系电话" in html and "蒋雅琴" in html


def test_filters_by_person_user_organization_action_and_date(staff, client_for, log, org_a, org_b):
    client = client_for(staff)
    assert [r[1] for r in rows(client, person="蒋雅琴")] == ["重复登记尝试", "查看个人信息"]
    assert [r[1] for r in rows(client, person=log["person"].id_number)] == ["重复登记尝试", "查看个人信息"]
    assert rows(client, person="乙组织的人") == []
    assert rows(client, user="组织B") == [("组织B志愿者", "重复登记尝试")]
    assert rows(client, user="admin-a@") == [("组织A管理员", "脱敏导出")]
    assert len(rows(client, organization=org_a.pk)) == 3
    assert rows(client, organization=org_b.pk) == []
    assert rows(client, action="reveal") == [("组织A志愿者", "查看个人信息")]
    assert rows(client, date_from="2026-03-02", date_to="2026-03-02") == [("组织B志愿者", "重复登记尝试")]
    exact = client.get(reverse("organizations:audit"), {"person_type": "beneficiary", "person_id": log["person"].pk})
    assert len(exact.context["page"]) == 2 and "只显示与“蒋雅琴”有关的记录" in exact.content.decode()


def test_the_audit_page_is_paginated(staff, admin_a, client_for):
    for _ in range(60):
        record_access(actor=admin_a, action=Action.EXPORT_MASKED, resource="beneficiaries", row_count=1)
    client = client_for(staff)
    first = client.get(reverse("organizations:audit"), {"per_page": 50})
    assert len(first.context["page"]) == 50 and first.context["page"].has_next()
    assert len(client.get(reverse("organizations:audit"), {"per_page": 50, "page": 2}).context["page"]) == 10


@pytest.mark.parametrize("role", ["leader", "admin_a", "member_a", "member_b"])
def test_only_staff_read_the_audit_log(role, roles, client_for, log):
    response = client_for(roles[role]).get(reverse("organizations:audit"))
    assert response.status_code == 403 and "蒋雅琴" not in response.content.decode()


def test_a_removed_case_party_stays_in_the_log(member_a, staff, client_for, org_a):
    party = CasePartyFactory(case=MediationCaseFactory(organization=org_a), name="葛秋月")
    client_for(member_a).post(reverse("cases:party_reveal", args=[party.case_id, party.pk, "phone"]))
    party_pk = party.pk
    party.delete()
    assert events_about("case_party", party_pk).count() == 1
    html = client_for(staff).get(reverse("organizations:audit")).content.decode()
    assert "案件当事人 #" in html


def test_a_full_export_of_many_people_is_written_in_batches(admin_a, org_a, django_assert_max_num_queries):
    subjects = (("beneficiary", n, org_a.pk) for n in range(1, 2501))
    # A few inserts per thousand people (SQLite's limit on parameters splits them further).
    with django_assert_max_num_queries(16):
        event = record_access(actor=admin_a, action=Action.EXPORT_FULL, subjects=subjects, resource="beneficiaries")
    assert event.subjects.count() == 2500


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_reveals_recorded_before(org_a, member_a):
    """beneficiaries 0004 moves the old PersonalDataAccess rows into the audit log."""
    executor = MigrationExecutor(connection)
    before = [("beneficiaries", "0003_register_order_index"), ("organizations", "0004_personal_data_audit_log")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    # The register as it was then (later migrations add columns the current model has).
    person = old_apps.get_model("beneficiaries", "Beneficiary").objects.create(
        name="王秀英",
        gender="F",
        id_number="330283194001010005",
        birth_date=datetime.date(1940, 1, 1),
        town_id=org_a.town_id,
        village="东门村",
        organization_id=org_a.pk,
    )
    Old = old_apps.get_model("beneficiaries", "PersonalDataAccess")
    access = Old.objects.create(user_id=member_a.pk, beneficiary_id=person.pk, field="address")
    when = timezone.make_aware(datetime.datetime(2025, 12, 1, 10, 30))
    Old.objects.filter(pk=access.pk).update(at=when)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    event = DataAccessEvent.objects.get()
    assert (event.user_id, event.action, event.field, event.at, event.organization_id) == (
        member_a.pk,
        "reveal",
        "address",
        when,
        org_a.pk,
    )
    assert list(event.subjects.values_list("record_type", "record_id")) == [("beneficiary", person.pk)]
