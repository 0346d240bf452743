"""Visits through the API: the pages' services and rules, an idempotency key that stores a
visit once, corrections and withdrawals within the write-rules window, problem details."""

import datetime
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from api.models import VisitSubmission
from beneficiaries.models import Visit
from tests.factories import BeneficiaryFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(org_a):
    today = timezone.localdate()
    return BeneficiaryFactory(
        organization=org_a, name="蒋阿婆", key_care=True, visit_cadence=2, key_care_since=today - datetime.timedelta(60)
    )


def _visit(person, **changes):
    return {
        "idempotency_key": str(uuid.uuid4()),
        "beneficiary": person.pk,
        "visit_date": timezone.localdate().isoformat(),
        "mode": "home",
        "services": ["supplies", "health"],
        "supplies_value": "50.00",
        "notes": "身体还好",
        **changes,
    }


def _post(client, body, **headers):
    return client.post("/api/v1/visits", body, content_type="application/json", **headers)


def test_a_visit_is_saved_through_the_service(member_a, bearer, person):
    response = _post(Client(), _visit(person), **bearer(member_a))
    assert response.status_code == 201
    body = response.json()
    visit = Visit.objects.get()
    assert body["id"] == visit.pk and body["beneficiary_name"] == "蒋阿婆"
    assert visit.created_by == member_a and visit.organization_id == person.organization_id
    assert sorted(visit.services.values_list("code", flat=True)) == ["health", "supplies"]
    assert visit.history.first().history_user == member_a  # in its history, as the page records it


def test_the_same_idempotency_key_stores_one_visit(member_a, bearer, person):
    headers = bearer(member_a)
    body = _visit(person)
    first = _post(Client(), body, **headers)
    again = _post(Client(), body, **headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Visit.objects.count() == 1 and VisitSubmission.objects.count() == 1
    # Another key for the same visit is a new request: the duplicate rule asks for confirmation.
    other = _post(Client(), {**body, "idempotency_key": str(uuid.uuid4())}, **headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "confirm_duplicate"
    assert Visit.objects.count() == 1


def test_a_refused_visit_stores_nothing_and_its_key_can_be_sent_again_fixed(member_a, bearer, person):
    headers = bearer(member_a)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    body = _visit(person, visit_date=future)
    refused = _post(Client(), body, **headers)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["errors"] == [{"field": "visit_date", "message": "走访日期不能晚于今天。"}]
    assert problem["detail"] == "走访日期不能晚于今天。" and problem["status"] == 422
    assert Visit.objects.count() == 0 and VisitSubmission.objects.count() == 0
    fixed = _post(Client(), {**body, "visit_date": timezone.localdate().isoformat()}, **headers)
    assert fixed.status_code == 201 and Visit.objects.count() == 1


def test_a_key_of_another_account_is_a_conflict(member_a, admin_a, bearer, person):
    body = _visit(person)
    assert _post(Client(), body, **bearer(member_a)).status_code == 201
    response = _post(Client(), body, **bearer(admin_a))
    assert response.status_code == 409 and Visit.objects.count() == 1


def test_a_person_moved_to_another_organization_is_refused_with_the_reason(member_a, bearer, person, org_b):
    person.organization = org_b
    person.save()
    response = _post(Client(), _visit(person), **bearer(member_a))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "beneficiary" and "转到其他组织" in error["message"]
    assert Visit.objects.count() == 0


def test_a_deactivated_person_is_refused(member_a, bearer, person):
    person.active = False
    person.save()
    response = _post(Client(), _visit(person), **bearer(member_a))
    assert response.json()["errors"] == [{"field": "beneficiary", "message": "该服务对象已停用，不能登记走访。"}]


def test_request_errors_name_the_field_in_chinese(member_a, bearer, person):
    body = _visit(person, visit_date="2026-13-45", services=["spa"])
    del body["idempotency_key"]
    response = _post(Client(), body, **bearer(member_a))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["idempotency_key"] == "请填写“幂等键”。"
    assert errors["visit_date"] == "“走访日期”不是有效的日期，格式如 2026-05-01。"
    unknown = _post(Client(), _visit(person, services=["spa"]), **bearer(member_a))
    assert unknown.json()["errors"] == [{"field": "services", "message": "服务内容中有无效的选项：spa。"}]
    not_json = Client().post("/api/v1/visits", "{", content_type="application/json", **bearer(member_a))
    assert not_json.status_code == 400 and not_json["Content-Type"] == "application/problem+json"
    assert not_json.json()["detail"] == "请求正文不是有效的 JSON。"


def test_the_recorder_corrects_and_withdraws_within_the_window(member_a, bearer, person):
    headers = bearer(member_a)
    created = _post(Client(), _visit(person), **headers).json()
    url = f"/api/v1/visits/{created['id']}"
    patched = Client().patch(
        url, {"version": created["version"], "mode": "phone"}, content_type="application/json", **headers
    )
    assert patched.status_code == 200 and patched.json()["mode"] == "phone"
    stale = Client().patch(
        url, {"version": created["version"], "notes": "旧版本"}, content_type="application/json", **headers
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == patched.json()["version"]
    no_reason = Client().post(
        f"{url}/withdraw",
        {"version": patched.json()["version"], "reason": " "},
        content_type="application/json",
        **headers,
    )
    assert no_reason.json()["errors"] == [{"field": "reason", "message": "请填写撤回原因。"}]
    withdrawn = Client().post(
        f"{url}/withdraw",
        {"version": patched.json()["version"], "reason": "误录"},
        content_type="application/json",
        **headers,
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True
    assert Visit.objects.count() == 0 and Visit.all_objects.get().withdrawal_reason == "误录"


def test_after_seven_days_only_staff_may_correct(member_a, staff, bearer, person):
    visit = VisitFactory(beneficiary=person, created_by=member_a)
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    body = {"version": visit.version, "notes": "补记"}
    refused = Client().patch(f"/api/v1/visits/{visit.pk}", body, content_type="application/json", **bearer(member_a))
    assert refused.status_code == 403 and "超过7天" in refused.json()["detail"]
    visit.refresh_from_db()
    assert visit.notes == ""
    allowed = Client().patch(f"/api/v1/visits/{visit.pk}", body, content_type="application/json", **bearer(staff))
    assert allowed.status_code == 200 and allowed.json()["notes"] == "补记"


def test_the_visit_list_costs_the_same_queries_for_few_and_many_rows(member_a, bearer, person):
    """``can_change`` on each row is judged with one Actor per request, not one per visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer(member_a)
    client = Client()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/visits?limit=50", **headers)
        assert response.status_code == 200
        return len(captured), len(response.json()["items"])

    for day in range(1, 3):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, day), created_by=member_a)
    queries()  # the token's first use of the minute writes last_used_at
    few, shown = queries()
    assert shown == 2
    for day in range(3, 13):
        VisitFactory(beneficiary=person, visit_date=datetime.date(2026, 3, day), created_by=member_a)
    many, shown = queries()
    assert shown == 12 and many == few
