"""Offline visits on a 360-px phone (Debian's Chromium, a live server on PostgreSQL): visits
recorded without a signal are queued with their idempotency keys, counted in the header as
待同步, sent once when the signal returns; a refused one shows its reason and can be
discarded."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from api.models import VisitSubmission
from beneficiaries.models import Visit
from tests.factories import BeneficiaryFactory, VisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _overdue_person(org, name):
    today = timezone.localdate()
    person = BeneficiaryFactory(
        organization=org, name=name, key_care=True, visit_cadence=2, key_care_since=today - datetime.timedelta(90)
    )
    VisitFactory(beneficiary=person, visit_date=today - datetime.timedelta(days=40))
    return person


def _ready(page, url):
    page.goto(url)
    page.wait_for_selector("body[data-offline-ready='1']", state="attached")


def _record(page, person):
    page.locator(f'li.person[data-person="{person.pk}"] button.record').click()
    page.locator("#visit-form label.choice", has_text="入户走访").click()
    page.locator("#visit-form button[type=submit]").click()
    page.wait_for_selector("#visit-form", state="hidden")


def test_three_visits_recorded_offline_are_synced_once(phone, live_server, login, member_a, org_a, shot):
    people = [_overdue_person(org_a, name) for name in ("蒋阿婆", "毛阿婆", "邬阿婆")]
    before = Visit.objects.count()
    login(phone, member_a)
    _ready(phone, f"{live_server.url}/offline/")
    assert phone.locator("li.person").count() == 3
    phone.context.set_offline(True)
    # With no signal the page still opens, from the service worker's cache.
    phone.goto(f"{live_server.url}/beneficiaries/visits/new/")
    phone.wait_for_selector("body[data-offline-ready='1']", state="attached")
    assert phone.locator("h1").inner_text() == "离线走访"
    for person in people:
        _record(phone, person)
    badge = phone.locator("#sync-badge")
    assert badge.is_visible() and badge.inner_text().replace(" ", "") == "待同步3"
    assert phone.locator("li.queue-item.pending").count() == 3
    shot(phone, "offline-three-queued")
    assert Visit.objects.count() == before

    phone.context.set_offline(False)  # the page syncs by itself when the signal returns
    expect(phone.locator("#results li.saved")).to_have_count(3)
    assert badge.is_hidden()
    assert phone.locator("li.queue-item").count() == 0
    shot(phone, "offline-synced")
    assert Visit.objects.count() == before + 3
    assert VisitSubmission.objects.count() == 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The same sync sent again (a flaky connection) stores nothing new.
    token = next(c["value"] for c in phone.context.cookies() if c["name"] == "csrftoken")
    for submission in VisitSubmission.objects.select_related("visit"):
        visit = submission.visit
        body = {
            "idempotency_key": str(submission.key),
            "beneficiary": visit.beneficiary_id,
            "visit_date": visit.visit_date.isoformat(),
            "mode": visit.mode,
        }
        response = phone.request.post(
            f"{live_server.url}/api/v1/visits",
            data=json.dumps(body),
            headers={"Content-Type": "application/json", "X-CSRFToken": token, "Referer": live_server.url},
        )
        assert response.status == 200 and response.headers["idempotent-replayed"] == "true"
    assert Visit.objects.count() == before + 3

    phone.goto(f"{live_server.url}/beneficiaries/overdue/")
    main = phone.locator("main")
    for person in people:
        assert main.get_by_text(person.name).count() == 0


def test_a_visit_for_a_person_moved_away_is_refused_and_discarded(phone, live_server, login, member_a, org_a, org_b):
    person = _overdue_person(org_a, "胡阿婆")
    before = Visit.objects.count()
    login(phone, member_a)
    _ready(phone, f"{live_server.url}/offline/")
    phone.context.set_offline(True)
    _record(phone, person)
    assert phone.locator("#sync-badge").inner_text().replace(" ", "") == "待同步1"
    # Meanwhile the person is handed over to another organization.
    person.organization = org_b
    person.save()
    phone.context.set_offline(False)
    refusal = phone.locator("li.queue-item.refused .refusal")
    refusal.wait_for()
    assert "转到其他组织" in refusal.inner_text()
    assert phone.locator("#sync-badge").inner_text().replace(" ", "") == "待同步1"
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.locator("li.queue-item.refused button", has_text="放弃").click()
    phone.wait_for_selector("li.queue-item", state="detached")
    assert phone.locator("#sync-badge").is_hidden()
    assert Visit.objects.count() == before
    # Logging out deletes the people kept on the phone and the caches.
    phone.locator("#logout-form button").click()
    phone.wait_for_url("**/accounts/login/")
    names = phone.evaluate("indexedDB.databases().then(d => d.map(x => x.name))")
    caches = phone.evaluate("caches.keys()")
    assert "lanxin-offline" not in names and not [c for c in caches if c.startswith("lanxin-")]


def test_the_api_docs_render_from_the_portal_under_its_csp(desktop, live_server):
    errors = []
    desktop.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    requests = []
    desktop.on("request", lambda request: requests.append(request.url))
    desktop.goto(f"{live_server.url}/api/v1/docs")
    desktop.get_by_text("登记走访（幂等）").first.wait_for()
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert all(url.startswith((live_server.url, "data:")) for url in requests), requests
