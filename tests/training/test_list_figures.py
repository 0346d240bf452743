"""The figures above the training list are remembered until the counted data changes
(``core.generation``), per scope and filters: never another organization's, never stale.

These tests run outside a transaction (``transactional_db``), as requests do: inside one the
figures are never remembered (``remembered`` computes), which would hide what is tested here."""

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import generation
from tests.factories import AttendanceFactory, TrainingSessionFactory
from training.models import Attendance

LIST = reverse("training:list")


def figures_on(html):
    """{label: value} of the figures above the list, as a user reads them."""
    return {
        label: int(value)
        for value, label in re.findall(r'<span class="value">(\d+)</span><span class="label">([^<]+)</span>', html)
    }


def read(client, url=LIST):
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    # The list's figures: one aggregate over every listed session (the rows' own figures are
    # grouped by session, for the page's 50 rows only).
    aggregates = [
        q["sql"] for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"] and "GROUP BY" not in q["sql"]
    ]
    return figures_on(html), aggregates


PHONES = itertools.count(13857420000)


def attend(session, n):
    """``n`` new people attend ``session`` (each a phone of their own)."""
    for _ in range(n):
        phone = str(next(PHONES))
        AttendanceFactory(session=session, phone=phone, person_key=phone)


def test_second_view_reads_the_remembered_figures(transactional_db, client_for, staff, org_a):
    attend(TrainingSessionFactory(organization=org_a), 3)
    client = client_for(staff)
    first, computed = read(client)
    second, computed_again = read(client)
    assert first == second
    assert first["培训场次"] == 1 and first["培训人次"] == 3 and first["培训人数（去重）"] == 3
    assert len(computed) == 1  # the list's figures (distinct trainees) computed once...
    assert computed_again == []  # ...and read back the second time


def test_any_committed_write_shows_at_once(transactional_db, client_for, staff, org_a):
    session = TrainingSessionFactory(organization=org_a)
    attend(session, 2)
    client = client_for(staff)
    assert read(client)[0]["培训人次"] == 2
    attend(session, 1)  # through the ORM's save
    assert read(client)[0]["培训人次"] == 3
    # Writes that bypass signals (imports write in bulk, update() in place) change it too.
    Attendance.objects.filter(session=session).update(certificate_obtained=True)
    assert read(client)[0]["获证人数"] == 3
    Attendance.objects.bulk_create(
        [Attendance(session=session, name="新学员", phone="13900000001", person_key="13900000001", attended=True)]
    )
    after, computed = read(client)
    assert after["培训人次"] == 4 and after["培训人数（去重）"] == 4 and len(computed) == 1


def test_each_scope_and_filter_has_its_own_figures(
    transactional_db, client_for, staff, member_a, member_b, org_a, org_b
):
    attend(TrainingSessionFactory(organization=org_a, category="vocational"), 4)
    attend(TrainingSessionFactory(organization=org_b, category="culture"), 2)
    assert read(client_for(staff))[0]["培训人次"] == 6  # remembered for staff first
    assert read(client_for(member_a))[0]["培训人次"] == 4
    assert read(client_for(member_b))[0]["培训人次"] == 2
    assert read(client_for(staff), LIST + "?category=culture")[0]["培训人次"] == 2
    assert read(client_for(member_a), LIST + "?category=culture")[0]["培训人次"] == 0


def test_a_new_membership_changes_the_scope_at_once(transactional_db, client_for, member_a, org_a, org_b):
    from tests.factories import MembershipFactory

    attend(TrainingSessionFactory(organization=org_a), 4)
    attend(TrainingSessionFactory(organization=org_b), 2)
    client = client_for(member_a)
    assert read(client)[0]["培训人次"] == 4
    MembershipFactory(user=member_a, organization=org_b, role="member")  # not a counted table
    assert read(client)[0]["培训人次"] == 6


def test_forgetting_drops_what_was_remembered(transactional_db, client_for, staff, org_a):
    attend(TrainingSessionFactory(organization=org_a), 2)
    client = client_for(staff)
    read(client)
    assert read(client)[1] == []
    generation.forget()  # what manage.py restore does after loading an older database
    assert len(read(client)[1]) == 1


def test_inside_a_transaction_nothing_is_remembered(db):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert connection.in_atomic_block
    assert generation.remembered("test", ("x",), compute) == {"n": 1}
    assert generation.remembered("test", ("x",), compute) == {"n": 2}


@pytest.mark.parametrize("broken", ["get", "set"])
def test_an_unreachable_cache_computes(transactional_db, monkeypatch, broken):
    from django.core.cache import cache

    def fail(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, broken, fail)
    assert generation.remembered("test", ("x",), lambda: {"n": 1}) == {"n": 1}
