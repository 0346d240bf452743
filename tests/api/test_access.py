"""What each role reads through the API: the access rule of the pages (visible_to), the pages'
masks, leaders refused, cursor pages that walk every row once."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import BeneficiaryFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _get(url, headers):
    response = Client().get(url, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def test_a_member_of_b_sees_none_of_as_people_or_visits(member_b, bearer, org_a, org_b):
    a = BeneficiaryFactory(organization=org_a, name="胡秀珍", phone="13857420001")
    b = BeneficiaryFactory(organization=org_b, name="王玉兰")
    VisitFactory(beneficiary=a)
    headers = bearer(member_b)
    people = _get("/api/v1/people", headers)["items"]
    assert [p["name"] for p in people] == ["王玉兰"]
    assert _get("/api/v1/visits", headers)["items"] == []
    assert Client().get(f"/api/v1/people/{a.pk}", **headers).status_code == 404
    text = Client().get("/api/v1/people", **headers).content.decode()
    assert "胡秀珍" not in text and a.id_number not in text
    assert _get(f"/api/v1/people/{b.pk}", headers)["name"] == "王玉兰"


def test_people_are_masked_as_the_pages_mask_them(member_a, staff, bearer, org_a):
    person = BeneficiaryFactory(organization=org_a, phone="13857421234", address="锦屏街道东门村88号")
    for user in (member_a, staff):
        body = Client().get("/api/v1/people", **bearer(user)).content.decode()
        assert person.id_number not in body and "13857421234" not in body and "88号" not in body
        row = _get(f"/api/v1/people/{person.pk}", bearer(user))
        assert row["id_number_masked"] == person.id_number[:6] + "********" + person.id_number[-4:]
        assert row["phone_masked"] == "138****1234"


def test_leaders_get_403_on_personal_data_and_the_reference_lists(leader, bearer, org_a):
    person = BeneficiaryFactory(organization=org_a)
    headers = bearer(leader)
    for url in ("/api/v1/people", f"/api/v1/people/{person.pk}", "/api/v1/overdue", "/api/v1/visits"):
        response = Client().get(url, **headers)
        assert response.status_code == 403 and "领导" in response.json()["detail"], url
    assert len(_get("/api/v1/reference/visit-modes", headers)) == 5


def test_key_care_status_next_due_and_the_overdue_list(member_a, bearer, org_a):
    today = timezone.localdate()
    late = BeneficiaryFactory(
        organization=org_a, name="逾期", key_care=True, visit_cadence=2, key_care_since=today - datetime.timedelta(90)
    )
    VisitFactory(beneficiary=late, visit_date=today - datetime.timedelta(days=20))
    fine = BeneficiaryFactory(
        organization=org_a, name="按时", key_care=True, visit_cadence=1, key_care_since=today - datetime.timedelta(90)
    )
    VisitFactory(beneficiary=fine, visit_date=today - datetime.timedelta(days=3))
    BeneficiaryFactory(organization=org_a, name="一般")
    headers = bearer(member_a)
    people = {p["name"]: p for p in _get("/api/v1/people?key_care=true", headers)["items"]}
    assert set(people) == {"逾期", "按时"}
    assert people["逾期"]["next_due"] == (today - datetime.timedelta(days=5)).isoformat()
    assert people["逾期"]["days_overdue"] == 5
    assert people["按时"]["next_due"] == (today + datetime.timedelta(days=27)).isoformat()
    assert people["按时"]["days_overdue"] == 0
    overdue = _get("/api/v1/overdue", headers)["items"]
    assert [p["name"] for p in overdue] == ["逾期"]


def test_cursor_pages_walk_every_row_once(member_a, bearer, org_a):
    person = BeneficiaryFactory(organization=org_a)
    for day in range(1, 8):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, day))
    VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, 4), mode="phone")
    headers = bearer(member_a)
    seen, cursor = [], None
    while True:
        url = "/api/v1/visits?limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = _get(url, headers)
        seen += [(v["visit_date"], v["id"]) for v in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 8 and len(set(seen)) == 8
    assert seen == sorted(seen, reverse=True)
    bad = Client().get("/api/v1/visits?cursor=not-a-cursor", **headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_the_schema_and_the_docs_are_served_by_the_portal():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    post = schema["paths"]["/api/v1/visits"]["post"]
    assert "application/problem+json" in post["responses"]["422"]["content"]
    docs = Client().get("/api/v1/docs")
    html = docs.content.decode()
    assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]
