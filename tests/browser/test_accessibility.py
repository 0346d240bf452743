"""axe-core (bundled by the axe-playwright-python package) in Chromium over the main pages, as
the role that uses each (tests/pages.py): no finding at all, minor ones included.  Forms sent
back with errors are checked too, after a real submit, and the page must then open at the first
error.  The print stylesheet: lists and the case page print without the navigation and buttons,
tables full width."""

import pytest
from django.test import Client

from tests.pages import build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user, **options):
    context = browser.new_context(locale="zh-CN", **options)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def findings(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in results.response["violations"]
    ]


@pytest.fixture
def site(org_a, org_b, roles):
    return build_site(org_a, org_b, roles)


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 900}])
def test_axe_finds_nothing_on_the_main_pages(browser, live_server, site, roles, viewport):
    contexts = {}
    report = []
    try:
        for name, role, method, path, _data in site:
            if method != "get":
                continue
            if role not in contexts:
                contexts[role] = signed_in(browser, live_server, roles[role], viewport=viewport)
            page = contexts[role][1]
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, f"{name} as {role}: {response.status}"
            report += [f"{name} as {role} ({path}): {finding}" for finding in findings(page)]
    finally:
        for context, _page in contexts.values():
            context.close()
    assert not report, "\n".join(report)


def test_forms_with_errors_open_at_the_first_error_and_axe_finds_nothing(browser, live_server, site, roles):
    from cases.models import MediationCase

    case = MediationCase.objects.get()
    context, page = signed_in(browser, live_server, roles["member_a"], viewport={"width": 360, "height": 740})
    try:
        page.goto(f"{live_server.url}/cases/{case.pk}/")
        form = page.locator("form[data-toggle-by=status]")
        # With the script, the closing fields show only for closing steps.
        form.locator("select[name=status]").select_option("withdrawn")
        assert form.locator("input[name=closed_date]").is_hidden()
        assert form.locator("textarea[name=outcome]").is_hidden()
        form.locator("select[name=status]").select_option("succeeded")
        assert form.locator("input[name=closed_date]").is_visible()
        assert form.locator("input[name=closed_date]").input_value() == ""  # not pre-filled
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
        # The page opens at the first error (the date), focused, each error beside its field.
        focused = page.evaluate("document.activeElement.name")
        assert focused == "closed_date"
        top = page.evaluate("document.activeElement.getBoundingClientRect().top")
        assert 0 <= top <= 740
        assert "结案需要填写结案日期。" in page.locator("#id_closed_date_error").inner_text()
        assert "结案需要填写调解结果。" in page.locator("#id_outcome_error").inner_text()
        assert findings(page) == []

        page.goto(f"{live_server.url}/cases/new/")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
        assert findings(page) == []
    finally:
        context.close()


def test_lists_and_the_case_page_print_without_navigation_or_buttons(browser, live_server, site, roles):
    from cases.models import MediationCase

    context, page = signed_in(browser, live_server, roles["staff"], viewport={"width": 1280, "height": 900})
    case = MediationCase.objects.get()
    try:
        for path in ("/beneficiaries/", "/cases/", f"/cases/{case.pk}/"):
            page.goto(f"{live_server.url}{path}")
            assert page.locator("link[rel=stylesheet][href$='css/print.css'][media=print]").count() == 1
            assert page.locator("nav.mainnav").is_visible() or page.locator(".nav-toggle-label").is_visible()
            page.emulate_media(media="print")
            assert page.locator("header.topbar").is_hidden()
            assert page.locator("nav.mainnav").is_hidden()
            assert page.locator("main button:visible").count() == 0
            assert page.locator("main .filters-box").is_hidden() if page.locator("main .filters-box").count() else True
            table = page.locator("main table.list").first
            width = page.evaluate("document.querySelector('main').getBoundingClientRect().width")
            assert table.bounding_box()["width"] >= width - 1
            page.emulate_media(media="screen")
    finally:
        context.close()
