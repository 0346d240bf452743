"""The referrals export goes through the export policy: masked by default, the phone only for a
person the exporter may see now, a request hidden from its requester until approved, no rows of
other organizations, and the export recorded."""

import csv
import io

import pytest
from django.urls import reverse

from organizations.models import DataAccessEvent
from referrals import services
from tests.spreadsheets.helpers import streamed

pytestmark = pytest.mark.django_db


def export(client, full=False):
    if full:
        response = client.post(
            reverse("spreadsheets:export_full", args=["referrals"]), {"purpose": "核对", "fmt": "csv"}
        )
    else:
        response = client.get(reverse("spreadsheets:export", args=["referrals", "csv"]))
    assert response.status_code == 200, response.status_code
    body = streamed(response) if response.streaming else response.content
    header, *rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return [dict(zip(header, row, strict=False)) for row in rows]


def test_masked_for_the_sender_and_blank_for_the_receiver_before_acceptance(
    send, member_a, member_b, member_c, client_for
):
    referral = send()
    (row,) = export(client_for(member_a))
    assert row["姓名"] == "王奶奶" and row["联系电话"] == "138****1234" and row["状态"] == "待接收"
    (row,) = export(client_for(member_b))
    assert row["联系电话"] == ""  # B may not see her record yet
    services.referral_step(referral=referral, action="accept", actor=member_b)
    (row,) = export(client_for(member_b))
    assert row["联系电话"] == "138****1234"
    assert export(client_for(member_c)) == []
    assert DataAccessEvent.objects.filter(action="export_masked", resource="referrals").count() == 4


def test_full_export_only_the_senders_people_for_its_admin(send, admin_a, admin_b, member_b, client_for):
    services.referral_step(referral=send(), action="accept", actor=member_b)
    (row,) = export(client_for(admin_a), full=True)
    assert row["联系电话"] == "13857421234"
    assert export(client_for(admin_b), full=True) == []  # B administers none of the sending side
    assert (
        client_for(member_b)
        .post(reverse("spreadsheets:export_full", args=["referrals"]), {"purpose": "核对", "fmt": "csv"})
        .status_code
        == 403
    )


def test_a_request_is_not_exported_to_its_requester(person_a, org_b, member_b, member_a, client_for):
    services.referral_request(
        person=person_a, requesting_organization=org_b, actor=member_b, reason="legal_aid", note="求助"
    )
    assert export(client_for(member_b)) == []
    assert [row["姓名"] for row in export(client_for(member_a))] == ["王奶奶"]


def test_export_this_list(send, member_b, client_for):
    send()
    url = reverse("spreadsheets:export", args=["referrals", "csv"]) + "?filters=box%3Dincoming%26status%3Daccepted"
    response = client_for(member_b).get(url)
    body = streamed(response) if response.streaming else response.content
    assert "王奶奶" not in body.decode("utf-8-sig")
