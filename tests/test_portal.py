"""Accounts, layout and portal-wide behaviour."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password(staff, password):
    client = Client()
    response = client.post(reverse("account_login"), {"login": staff.email, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_there_is_no_public_sign_up():
    response = Client().get(reverse("account_signup"))
    assert response.status_code in (200, 403)
    assert "注册" not in response.content.decode() or "关闭" in response.content.decode() or response.status_code == 403
    response = Client().post(reverse("account_signup"), {"email": "someone@example.cn", "password1": "Xy-12345678"})
    from accounts.models import User

    assert not User.objects.filter(email="someone@example.cn").exists()


def test_failed_logins_are_throttled_on_site_login_and_admin(settings, staff, password):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.utils import reset

    reset()
    client = Client()
    for _ in range(3):
        client.post(reverse("account_login"), {"login": staff.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": staff.email, "password": password})
    assert response.status_code == 429
    assert "登录已暂时锁定" in response.content.decode()
    admin_client = Client()
    for _ in range(3):
        admin_client.post("/admin/login/", {"username": "it@example.cn", "password": "wrong"})
    response = admin_client.post("/admin/login/", {"username": "it@example.cn", "password": "wrong"})
    assert response.status_code == 429
    reset()


def test_password_reset_sends_an_email(staff, mailoutbox, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://lanxin.example.cn"
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(reverse("account_reset_password"), {"email": staff.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and staff.email in mailoutbox[0].to
    # Sent through the outbox (after commit) with a link a mail reader can open.
    assert "https://lanxin.example.cn/accounts/password/reset/key/" in mailoutbox[0].body


def test_pages_are_chinese_with_english_available(staff, client_for):
    client = client_for(staff)
    page = client.get(reverse("home")).content.decode()
    assert 'lang="zh-hans"' in page and "退出" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in page
    # The English catalogue is compiled and complete enough to use: the menu is in English.
    assert "Record visit" in page and "Log out" in page
    assert "登记走访" not in page


def test_security_headers(staff, client_for):
    response = client_for(staff).get(reverse("organizations:list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "http" not in csp
    assert response["Cache-Control"] == "no-store"


def test_no_asset_comes_from_another_site(staff, client_for):
    import re

    page = client_for(staff).get(reverse("organizations:list")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    for path in [s for s in sources if s.startswith("/static/")]:
        response = client_for(staff).get(path)
        assert response.status_code == 200, path


def test_404_page_is_in_chinese(staff, client_for, settings):
    settings.DEBUG = False
    response = client_for(staff).get("/organizations/999999/")
    assert response.status_code == 404
    assert "找不到该页面" in response.content.decode()


def test_healthz_tells_anonymous_callers_up_or_down_only(staff, client_for):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    body = client_for(staff).get("/healthz").json()
    assert body["database"]["ok"] is True and body["broker"]["ok"] is True
    assert body["outbox"] == {"pending": 0, "oldest_seconds": 0}


def test_healthz_is_503_when_the_broker_is_down(settings, staff, client_for):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/healthz")
    # Anonymous callers learn nothing about the machinery (no database type, no error class).
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}
    body = client_for(staff).get("/healthz").json()
    assert body["broker"] == {"ok": False, "detail": "ConnectionError"} and body["database"]["ok"] is True


@pytest.mark.redis
@pytest.mark.postgres
def test_a_real_celery_worker_runs_a_task(celery_worker_process):
    from fenghua_portal.celery import ping

    result = ping.apply_async(queue=celery_worker_process["queue"])
    assert result.get(timeout=30) == "pong"


def test_docker_compose_defines_the_services():
    import pathlib

    text = pathlib.Path("docker-compose.yml").read_text()
    for service in ("web:", "worker:", "beat:", "postgres:", "redis:"):
        assert service in text
    assert "gunicorn" in text and "celery" in text and "volumes:" in text
    assert pathlib.Path("Dockerfile").exists()


def test_serving_without_secret_key_is_refused_when_debug_is_off():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "ALLOW_INSECURE_SECRET")}
    env["DJANGO_SETTINGS_MODULE"] = "fenghua_portal.settings"
    code = "import fenghua_portal.wsgi"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr
    allowed = subprocess.run(
        [sys.executable, "-c", code], env=dict(env, SECRET_KEY="x" * 50), capture_output=True, text=True
    )
    assert allowed.returncode == 0, allowed.stderr


def test_beat_schedule_names_real_tasks_at_the_right_times():
    from fenghua_portal.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    monthly = schedule["monthly-reports"]
    assert monthly["task"] in app.tasks and schedule["overdue-visit-digest"]["task"] in app.tasks
    cron = monthly["schedule"]
    assert cron.minute == {0} and cron.hour == {2} and cron.day_of_month == {1}
    assert app.conf.timezone == "Asia/Shanghai"


def test_chinese_first_even_for_a_browser_set_to_english(staff, client_for):
    client = client_for(staff)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page and "登记走访" in page
