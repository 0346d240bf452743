"""On a 360-px phone: find the person by a few letters, tap, save, in three screens."""

import pytest

from beneficiaries.models import Visit
from beneficiaries.services import name_initials
from organizations.models import DataAccessEvent
from tests.factories import BeneficiaryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_a_visit_on_a_phone(phone, live_server, login, member_a, org_a, shot):
    errors = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    person = BeneficiaryFactory(organization=org_a, name="胡菊芬", name_initials=name_initials("胡菊芬"))
    BeneficiaryFactory(organization=org_a, name="孙彩霞", name_initials=name_initials("孙彩霞"))
    login(phone, member_a)
    phone.goto(f"{live_server.url}/beneficiaries/visits/new/")
    # Screen 1: a few letters, and the person appears as one types (no button pressed).
    phone.fill("#id_q", "hjf")
    phone.locator("#pick-results a", has_text="胡菊芬").wait_for()
    assert phone.locator("#pick-results a").count() == 1
    assert "hjf" not in phone.url
    shot(phone, "visit-1-find-phone")
    phone.locator("#pick-results a", has_text="胡菊芬").click()
    # Screen 2: today's date is filled in; mode and a service are tapped.
    phone.wait_for_url(f"**/visits/new/{person.pk}/")
    assert phone.input_value("#id_visit_date")
    phone.locator("label", has_text="电话问候").click()
    phone.locator("label", has_text="健康检查").last.click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "visit-2-form-phone")
    phone.locator("button", has_text="保存走访").click()
    # Screen 3: the person's page, with the visit on the timeline.
    phone.wait_for_url(f"**/beneficiaries/{person.pk}/#visits")
    assert "已登记对“胡菊芬”的走访" in phone.content()
    shot(phone, "visit-3-saved-phone")
    visit = Visit.objects.get()
    assert visit.mode == "phone" and [s.code for s in visit.services.all()] == ["health"]
    # Revealing one field swaps in its value in place and records the access.
    phone.locator("#reveal-phone button").click()
    phone.locator(".revealed", has_text=person.phone).wait_for()
    assert DataAccessEvent.objects.get().field == "phone"
    assert not [e for e in errors if "Content Security Policy" in e and "script" in e], errors
