"""Shared fixtures: the six roles of the access rule and the services tests may need.

Locally, tests that need PostgreSQL, Redis, a browser or a program (``@pytest.mark.programs``)
skip with a reason when it is absent; under CI=true any skipped test fails the run (see
pytest_sessionfinish).  `make test` installs the Debian packages when it runs as root."""

import os
import shutil

import pytest
from django.conf import settings

# The settings give the test process a known development key; subprocesses the tests start
# (manage.py commands, a Celery worker) get the same one, since without DEBUG they refuse to run
# with none.
os.environ.setdefault("SECRET_KEY", "insecure-development-key-only-for-debug-and-tests")

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"

# Pages render without a collectstatic run: plain static names, whatever this checkout holds
# (tests/test_static.py collects and checks the hashed, compressed files production serves).
PLAIN_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC}

# The Debian package that brings each program tests run (named in the skip reason).
PROGRAM_PACKAGES = {
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "java": "openjdk-17-jre-headless",
    "node": "nodejs",
}


def missing_programs(names):
    """Why a test needing the programs ``names`` cannot run here ("" when all are on PATH)."""
    missing = [name for name in names if shutil.which(name) is None]
    if not missing:
        return ""
    packages = sorted({PROGRAM_PACKAGES.get(name, name) for name in missing})
    return f"needs {', '.join(missing)} (Debian: {' '.join(packages)}; `make test` installs it when run as root)"


# Browser fixtures (one Chromium for the whole session), for any test marked `browser`.
pytest_plugins = ["tests.browser.fixtures"]


def pytest_sessionfinish(session, exitstatus):
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _private_dirs(settings, tmp_path):
    """Each test writes private files (reports, attachments, uploads) to its own folder."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.REPORT_STORAGE_ROOT = tmp_path / "reports"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Cached dashboard figures must not leak from one test into the next.
    from django.core.cache import cache

    cache.clear()
    # Tasks run in-process unless a test asks for the real worker (celery_worker_process).
    from fenghua_portal.celery import app

    app.conf.task_always_eager = True


def ensure_fixed_rows():
    """Rows made by data migrations (towns, service areas, categories, visit services).  A
    transactional test empties every table when it ends; the next one gets them back here."""
    from beneficiaries.models import BeneficiaryCategory, VisitService
    from organizations.models import ServiceArea, Town

    if Town.objects.count() < 12:
        import importlib

        towns = importlib.import_module("organizations.migrations.0002_towns_and_service_areas").TOWNS
        for order, name in enumerate(towns, start=1):
            Town.objects.update_or_create(name=name, defaults={"order": order})
    for model in (ServiceArea, BeneficiaryCategory, VisitService):
        if model.objects.count() < len(model.Code.values):
            for code in model.Code.values:
                model.objects.get_or_create(code=code)


@pytest.fixture(autouse=True)
def _fixed_rows(request):
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if transactional or "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
        ensure_fixed_rows()


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and not settings.DATABASES["default"]["ENGINE"].endswith(
        ("postgresql", "postgis")
    ):
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis and a Celery worker: set REDIS_URL=redis://...")
    if item.get_closest_marker("faults") and not (
        os.environ.get("REDIS_URL") and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    ):
        pytest.skip("fault tests need PostgreSQL and Redis: set DATABASE_URL=postgres://... and REDIS_URL=redis://...")
    if item.get_closest_marker("browser") and not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"):
        pytest.skip("needs Chromium at /usr/bin/chromium")
    for marker in item.iter_markers("programs"):
        reason = missing_programs(marker.args)
        if reason:
            pytest.skip(reason)


@pytest.fixture
def password():
    return "Fenghua-test-2026"


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="源为爱旗袍公益俱乐部")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="奉帮和事嫂家事调解服务队")


@pytest.fixture
def staff(db, password):
    return UserFactory(email="staff@example.cn", role="staff", password=password, full_name="妇联小王")


@pytest.fixture
def leader(db, password):
    return UserFactory(email="leader@example.cn", role="leader", password=password, full_name="领导老李")


@pytest.fixture
def admin_a(db, org_a, password):
    user = UserFactory(email="admin-a@example.cn", role="member", password=password, full_name="组织A管理员")
    MembershipFactory(user=user, organization=org_a, role="admin")
    return user


@pytest.fixture
def member_a(db, org_a, password):
    user = UserFactory(email="member-a@example.cn", role="member", password=password, full_name="组织A志愿者")
    MembershipFactory(user=user, organization=org_a, role="member")
    return user


@pytest.fixture
def member_b(db, org_b, password):
    user = UserFactory(email="member-b@example.cn", role="member", password=password, full_name="组织B志愿者")
    MembershipFactory(user=user, organization=org_b, role="member")
    return user


@pytest.fixture
def roles(staff, leader, admin_a, member_a, member_b):
    """The six roles of the access walker ("anon" is None)."""
    return {
        "anon": None,
        "staff": staff,
        "leader": leader,
        "admin_a": admin_a,
        "member_a": member_a,
        "member_b": member_b,
    }


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


def database_url_of_this_run():
    """postgres://... of this test run's database, for processes started by a test."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def point_celery_at(app, broker_url):
    """Makes this process publish to ``broker_url``: the connection pools made for the previous
    URL are dropped (not closed: the result backend may still use their connections)."""
    app.conf.broker_url = broker_url
    app.conf.result_backend = broker_url
    app._pool = None
    app.amqp._producer_pool = None


def stop_processes(processes):
    """Asks each process a test started to stop, and kills those that do not within 20 s."""
    import subprocess

    for proc in processes:
        if proc.poll() is None:
            proc.terminate()
    for proc in processes:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def start_worker(transactional_db, settings, tmp_path):
    """``start_worker(pool="solo", concurrency=1, env={})`` starts a real Celery worker (a
    separate process) against Redis and this test's database and returns ``{"app", "queue",
    "process", "env"}``.  Every worker of a test takes the test's own queue, so no other worker
    on the machine takes its tasks, and this process (the web side) publishes to it.  Tests
    using it must commit their data (transactional_db) so the worker sees it."""
    import subprocess
    import sys
    import time

    from django.db import connection

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs Redis: set REDIS_URL=redis://...")
    if not connection.settings_dict["ENGINE"].endswith("postgresql"):
        pytest.skip("the worker test needs PostgreSQL (a worker cannot share an in-memory SQLite)")
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    base_env = dict(
        os.environ,
        DATABASE_URL=database_url_of_this_run(),
        REDIS_URL=redis_url,
        SECRET_KEY=settings.SECRET_KEY,
        STATIC_HASHED="0",
        PRIVATE_STORAGE_ROOT=str(settings.PRIVATE_STORAGE_ROOT),
        REPORT_STORAGE_ROOT=str(settings.REPORT_STORAGE_ROOT),
        CELERY_TASK_DEFAULT_QUEUE=queue,
    )
    base_env.pop("REDIS_CACHE_URL", None)  # the worker's cache: its own memory
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from fenghua_portal.celery import app

    app.conf.task_always_eager = False
    point_celery_at(app, redis_url)
    app.conf.task_default_queue = queue
    started = []

    def start(pool="solo", concurrency=1, env=None):
        worker_env = dict(base_env, **(env or {}))
        log = tmp_path / f"worker-{len(started) + 1}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "fenghua_portal", "worker", "-Q", queue]
            + ["--pool", pool, "--concurrency", str(concurrency), "-l", "warning"]
            + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=worker_env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        proc.log = log
        started.append(proc)
        deadline = time.monotonic() + 60
        while True:
            try:
                if app.send_task("fenghua_portal.ping", queue=queue).get(timeout=5) == "pong":
                    break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"Celery worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        return {"app": app, "queue": queue, "process": proc, "env": worker_env}

    start.queue, start.app = queue, app
    try:
        yield start
    finally:
        stop_processes(started)
        app.conf.task_always_eager = True
        app.conf.task_default_queue = "celery"


@pytest.fixture
def celery_worker_process(start_worker):
    """A real Celery worker (a separate process, solo pool) against Redis and this test's
    database; see start_worker."""
    return start_worker()
