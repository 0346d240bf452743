"""Fixtures of the fault tests: TCP proxies in front of Redis and PostgreSQL, the portal served
by gunicorn in a subprocess, beat processes, and a small HTTP client (the standard library's)."""

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import database_url_of_this_run, stop_processes

from .proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]


def _host_port(url, default_port):
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


@pytest.fixture
def redis_proxy():
    proxy = TcpProxy(*_host_port(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), 6379))
    yield proxy
    proxy.close()


@pytest.fixture
def pg_proxy(transactional_db):
    from django.db import connection

    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    yield proxy
    proxy.close()


def wait_for(predicate, timeout, interval=0.25, message="condition"):
    """Polls ``predicate`` until it returns something true; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"{message}: not reached within {timeout}s")


@pytest.fixture
def start_beat(tmp_path):
    """``start_beat(env, schedule=None)``: a real ``celery beat`` process; ``schedule`` replaces
    the beat schedule (e.g. a monthly job every second) for the test."""
    started = []

    def start(env, schedule=None):
        n = len(started) + 1
        args = ["beat", "-s", str(tmp_path / f"beat-{n}-schedule"), "-l", "info", "--pidfile="]
        if schedule is None:
            command = [sys.executable, "-m", "celery", "-A", "fenghua_portal", *args]
        else:
            code = (
                "import sys\n"
                "from fenghua_portal.celery import app\n"
                f"app.conf.beat_schedule = {schedule!r}\n"
                "app.start(sys.argv[1:])\n"
            )
            command = [sys.executable, "-c", code, *args]
        log = tmp_path / f"beat-{n}.log"
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        proc.log = log
        started.append(proc)
        return proc

    yield start
    stop_processes(started)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve_portal(transactional_db, settings, tmp_path):
    """``serve_portal(database_url, **env)`` serves the portal with gunicorn (DEBUG off) on this
    test's database (or through a proxy to it) and returns its base URL.  No broker and no
    Redis cache unless ``env`` names them (REDIS_URL, REDIS_CACHE_URL)."""
    started = []

    def start(database_url=None, **env):
        port = free_port()
        inherited = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REDIS_CACHE_URL")}
        portal_env = dict(
            inherited,
            DATABASE_URL=database_url or database_url_of_this_run(),
            SECRET_KEY="fault-tests-secret-key-" + "x" * 30,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PRIVATE_STORAGE_ROOT=str(settings.PRIVATE_STORAGE_ROOT),
            REPORT_STORAGE_ROOT=str(settings.REPORT_STORAGE_ROOT),
            AXES_ENABLED="0",
            **env,
        )
        log = tmp_path / f"gunicorn-{port}.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "fenghua_portal.wsgi", "-b", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--timeout", "60", "--log-level", "warning"],
            env=portal_env,
            cwd=ROOT,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        proc.log = log
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return base
            except OSError:
                time.sleep(0.2)
        pytest.fail("gunicorn did not start")

    yield start
    stop_processes(started)


@pytest.fixture
def servable(settings, password):
    """``servable(user)``: the user's password hashed as a served portal checks it (the test
    process hashes with MD5 for speed, which the portal does not accept)."""

    def make(user):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        user.set_password(password)
        user.save(update_fields=["password"])
        return user

    return make


class Browser:
    """Cookies and CSRF like a browser, through urllib; ``get``/``post`` return
    (status, text, seconds)."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect())

    def _open(self, request, timeout):
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=timeout) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        return status, body.decode(errors="replace"), time.monotonic() - started

    def get(self, path, timeout=30):
        return self._open(urllib.request.Request(self.base + path), timeout)

    def post(self, path, data, timeout=30):
        token = next((c.value for c in self.cookies if c.name == "csrftoken"), "")
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"X-CSRFToken": token, "Referer": self.base + path},
        )
        return self._open(request, timeout)

    def log_in(self, email, password):
        self.get("/accounts/login/")
        status, _body, _seconds = self.post("/accounts/login/", {"login": email, "password": password})
        assert status == 302, f"login failed ({status})"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
