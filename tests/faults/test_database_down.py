"""PostgreSQL refused or silent (through a proxy): users get the Chinese 500 page, never
gunicorn's bare English error, within the connect timeout; /healthz says "unavailable" within
2 s and tells anonymous callers nothing more.  Issue 12, finding 4."""

import json

import pytest

from .conftest import Browser

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

CHINESE_500 = "系统出了点问题"


@pytest.mark.parametrize("mode", ["refuse", "stall"])
def test_database_refused_or_silent(mode, pg_proxy, serve_portal, staff, servable, password):
    base = serve_portal(pg_proxy.url_for(_database_url()), DATABASE_CONNECT_TIMEOUT="2")
    browser = Browser(base)
    browser.log_in(servable(staff).email, password)
    status, page, _seconds = browser.get("/")
    assert status == 200 and "退出" in page

    pg_proxy.set_mode(mode)

    status, body, seconds = Browser(base).get("/healthz")
    assert status == 503 and json.loads(body) == {"status": "unavailable"}
    assert seconds < 2.0, f"/healthz took {seconds:.1f}s"

    # A signed-in user's page (the session is in the database) and a sign-in attempt.
    visitor = Browser(base)
    status, page, _seconds = visitor.get("/accounts/login/")
    assert status == 200 and "登录" in page  # the sign-in page itself needs no database
    for status, page, seconds in (
        browser.get("/"),
        visitor.post("/accounts/login/", {"login": "x@y.cn", "password": "z"}),
    ):
        assert status == 500
        assert CHINESE_500 in page and "Internal Server Error" not in page
        assert seconds < 5.0, f"the error page took {seconds:.1f}s (connect timeout 2s)"

    pg_proxy.set_mode("pass")
    status, page, _seconds = browser.get("/")
    assert status == 200 and "退出" in page  # back by itself, the session intact
    status, body, _seconds = Browser(base).get("/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}


def _database_url():
    from tests.conftest import database_url_of_this_run

    return database_url_of_this_run()
