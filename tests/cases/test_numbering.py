import datetime
import threading

import pytest
from django.db import connection

from cases import services
from cases.models import CaseNumberSequence, MediationCase


def _open(org, actor, received=datetime.date(2026, 3, 5)):
    return services.case_create(
        organization=org,
        actor=actor,
        category="elder_support",
        received_date=received,
        applicant_name="王奶奶",
        respondent_names="王大、王二",
    )


@pytest.mark.django_db
def test_numbers_follow_each_other_within_a_year_and_restart_each_year(org_a, member_a):
    assert _open(org_a, member_a).number == "TJ-2026-0001"
    assert _open(org_a, member_a).number == "TJ-2026-0002"
    assert _open(org_a, member_a, received=datetime.date(2025, 12, 30)).number == "TJ-2025-0001"
    assert _open(org_a, member_a).number == "TJ-2026-0003"
    assert CaseNumberSequence.objects.get(year=2026).last == 3


@pytest.mark.django_db
def test_a_new_case_has_its_parties_and_a_first_timeline_entry(org_a, member_a):
    case = _open(org_a, member_a)
    assert case.status == "received"
    assert [(p.role, p.name) for p in case.parties.order_by("role", "id")] == [
        ("applicant", "王奶奶"),
        ("respondent", "王大"),
        ("respondent", "王二"),
    ]
    assert case.events.get().text == f"受理案件 {case.number}"


@pytest.mark.django_db
def test_members_open_cases_for_their_own_organization_only(org_a, member_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _open(org_a, member_b)


@pytest.mark.postgres
def test_cases_opened_at_the_same_moment_get_different_numbers(transactional_db, org_a, member_a):
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    numbers, errors = [], []

    def open_one():
        try:
            barrier.wait(timeout=10)
            numbers.append(_open(org_a, member_a).number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(numbers) == [f"TJ-2026-{n:04d}" for n in range(1, threads_count + 1)]
    assert MediationCase.objects.count() == threads_count


@pytest.mark.django_db
def test_numbers_taken_by_imported_cases_are_skipped(org_a, member_a):
    from tests.factories import MediationCaseFactory

    MediationCaseFactory(organization=org_a, number="TJ-2026-0001")
    MediationCaseFactory(organization=org_a, number="TJ-2026-0002")
    assert _open(org_a, member_a).number == "TJ-2026-0003"
