"""The home page's referral items: waiting and overdue, for both organizations and staff, each
count what the database holds, at a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from referrals import services
from referrals.queries import home_items

pytestmark = pytest.mark.django_db


def items(user, today=None):
    return {item.key: item for item in home_items(user, today)}


def test_nothing_waiting_no_item(member_a, staff, leader):
    assert home_items(member_a) == [] and home_items(staff) == [] and home_items(leader) == []


def test_waiting_for_the_receiver_and_staff_not_the_sender(send, member_a, member_b, staff):
    referral = send()
    assert items(member_b)["referrals_waiting"].count == 1
    assert items(member_b)["referrals_waiting"].rows[0].url.endswith(f"/referrals/{referral.pk}/")
    assert items(staff)["referrals_waiting"].count == 1
    assert "referrals_waiting" not in items(member_a) or items(member_a)["referrals_waiting"].count == 0


def test_overdue_after_three_working_days_for_both_sides(send, member_a, member_b, staff):
    with freeze_time("2026-03-06"):  # a Friday
        send()
    # Mon 9, Tue 10, Wed 11 are the three working days: overdue from Thursday 12.
    assert items(member_b, datetime.date(2026, 3, 11))["referrals_overdue"].count == 0
    assert items(member_a, datetime.date(2026, 3, 11)) == {}
    for user in (member_a, member_b, staff):
        assert items(user, datetime.date(2026, 3, 12))["referrals_overdue"].count == 1, user


def test_overdue_when_accepted_more_than_30_days_without_outcome(send, member_a, member_b):
    with freeze_time("2026-03-02 10:00"):
        referral = services.referral_step(referral=send(), action="accept", actor=member_b)
    assert items(member_a, datetime.date(2026, 4, 1)) == {}  # nothing waits for A, nothing overdue
    assert items(member_a, datetime.date(2026, 4, 2))["referrals_overdue"].count == 1
    services.referral_step(referral=referral, action="complete", actor=member_b, outcome="完成")
    assert home_items(member_a, datetime.date(2026, 4, 2)) == []


def test_two_queries_whatever_the_number(send, member_b, person_a, org_a, org_b, member_a):
    send()
    with CaptureQueriesContext(connection) as one:
        home_items(member_b)
    for _n in range(5):
        send()
    with CaptureQueriesContext(connection) as six:
        found = items(member_b)
    assert found["referrals_waiting"].count == 6
    assert len(one) == len(six) <= 3  # the member's organizations, the counts, the examples


def test_overdue_referrals_are_notified_to_both_sides_once(send, member_a, member_b, admin_b):
    from core.models import Notification
    from referrals.tasks import notify_overdue

    with freeze_time("2026-03-06"):
        send()
    assert notify_overdue("2026-03-11") == 0
    assert notify_overdue("2026-03-12") == 1
    notify_overdue("2026-03-13")  # the next day: nobody is told twice
    told = Notification.objects.filter(kind="referral_overdue")
    assert sorted(told.values_list("user__email", flat=True)) == sorted([member_a.email, member_b.email, admin_b.email])
