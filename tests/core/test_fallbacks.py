"""What keeps the portal up when a service is not: the Redis cache falls back to local memory
within half a second, /healthz answers within two seconds however the services fail, the 500
page needs no database, timeouts are configured, and a task whose worker dies comes back well
before Redis's default hour."""

import os
import subprocess
import sys
import time

import pytest
from django.test import Client, RequestFactory

from core.cache import FallbackRedisCache
from tests.faults.proxy import TcpProxy

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def silent_redis():
    proxy = TcpProxy("127.0.0.1", 1, mode="stall")  # accepts, never answers
    yield f"redis://127.0.0.1:{proxy.port}/0"
    proxy.close()


@pytest.mark.parametrize("mode", ["refused", "silent"])
def test_the_cache_falls_back_to_local_memory_quickly(mode, silent_redis):
    from core import cache as fallback

    location = silent_redis if mode == "silent" else "redis://127.0.0.1:1/0"
    fallback._down_until.pop(location, None)
    cache = FallbackRedisCache(location, {})
    started = time.monotonic()
    cache.set("figures", {"visits": 7}, 60)
    assert time.monotonic() - started < 1.5  # one socket timeout (0.5 s), then memory
    started = time.monotonic()
    assert cache.get("figures") == {"visits": 7}
    assert cache.add("lock", 1) is True and cache.add("lock", 1) is False  # allauth's rate-limit lock
    cache.set("hits", 1)
    assert cache.incr("hits") == 2 and cache.get_many(["hits", "lock"]) == {"hits": 2, "lock": 1}
    assert time.monotonic() - started < 0.1  # Redis is left alone for a while
    assert not cache.redis_available()
    fallback._down_until[location] = 0  # the pause is over: Redis is tried again
    assert cache.redis_available()


def test_login_dashboard_and_import_pages_work_with_the_cache_down(settings, staff, client, password):
    # The cache settings.py configures for a Redis cache, with that Redis down.
    location = "redis://127.0.0.1:1/14"
    backend = _settings_in({"REDIS_CACHE_URL": location}, "settings.CACHES['default']['BACKEND']")
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}
    response = client.post("/accounts/login/", {"login": staff.email, "password": password})
    assert response.status_code == 302  # allauth's login rate limit reads the cache
    assert client.get("/reports/").status_code == 200
    assert client.get("/spreadsheets/").status_code == 200


def test_healthz_answers_within_two_seconds_when_the_broker_hangs(settings, silent_redis):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = silent_redis
    started = time.monotonic()
    response = Client().get("/healthz")
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503 and response.json() == {"status": "unavailable"}


def test_the_500_page_is_chinese_and_reads_no_database(django_assert_num_queries, db):
    from django.utils import translation

    from fenghua_portal.views import server_error

    request = RequestFactory().get("/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and "系统出了点问题" in page and 'lang="zh-hans"' in page


def _settings_in(env, expression):
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    inherited = {k: v for k, v in os.environ.items() if k not in ("PORTAL_PROCESS", "REDIS_CACHE_URL")}
    env = dict(inherited, DJANGO_SETTINGS_MODULE="fenghua_portal.settings", ALLOW_INSECURE_SECRET="1", **env)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_database_timeouts_short_for_pages_and_generous_for_tasks():
    pg = {"DATABASE_URL": "postgres://portal@db.example:5432/lanxin"}
    expression = "settings.DATABASES['default']['OPTIONS']"
    web = _settings_in({**pg, "PORTAL_PROCESS": "web"}, expression)
    assert "'connect_timeout': 5" in web and "statement_timeout=5000" in web
    worker = _settings_in(pg, expression)
    assert "'connect_timeout': 5" in worker and "statement_timeout=600000" in worker
    tuned = _settings_in({**pg, "PORTAL_PROCESS": "web", "DATABASE_STATEMENT_TIMEOUT": "8"}, expression)
    assert "statement_timeout=8000" in tuned


def test_a_lost_task_comes_back_after_the_longest_task_and_well_within_an_hour():
    from fenghua_portal.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    longest = max(task.time_limit or app.conf.task_time_limit for task in ours.values())
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert longest < visibility < 3600
    # The tasks whose worker may die mid-way are run again, not dropped.
    for name in (
        "reports.tasks.build_monthly_report",
        "spreadsheets.tasks.run_import",
        "spreadsheets.tasks.preview_import",
        "core.deliver_email",
    ):
        assert ours[name].acks_late and ours[name].reject_on_worker_lost, name
