import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_signs_in_on_a_phone_and_sees_the_menu(phone, live_server, login, staff, shot):
    login(phone, staff)
    assert phone.locator("h1").inner_text().startswith("您好")
    # No horizontal scrolling on a 360-px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "home-phone")
    phone.goto(f"{live_server.url}/organizations/")
    assert phone.locator("h1").inner_text() == "女性社会组织"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_csp_blocks_nothing_of_our_own(desktop, live_server, login, staff):
    errors = []
    desktop.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(desktop, staff)
    desktop.goto(f"{live_server.url}/organizations/")
    assert not [e for e in errors if "Content Security Policy" in e], errors
