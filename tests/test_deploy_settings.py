"""Issue 10, finding 8 (settings): with SECURE_COOKIES=1 the portal redirects to HTTPS, sends
HSTS and trusts the proxy's X-Forwarded-Proto; `check --deploy` with README's production
environment prints no warning; nothing runs on a key everybody knows unless DEBUG is on.

Before: check --deploy warned (security.W004, W008), and manage.py commands ran without a
SECRET_KEY on the built-in development key."""

import os
import pathlib
import secrets
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def readme_production_env():
    """The environment README's production section gives, as a dict."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- production-env -->", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    env = dict(line.split("=", 1) for line in block.strip().splitlines() if line and not line.startswith("#"))
    env["SECRET_KEY"] = secrets.token_urlsafe(50)  # the README's placeholder, filled in
    return env


def clean_env(**extra):
    # The test process's own development switches (the browser tests allow async-unsafe calls).
    drop = {"DEBUG", "SECRET_KEY", "SECURE_COOKIES", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def manage(*args, env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def test_check_deploy_with_the_readme_environment_prints_no_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=clean_env(**readme_production_env()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    # Django always prints its one-line summary; axes.W006 is silenced for a documented reason.
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."


SCRIPT = """
import django
django.setup()
from django.test import Client
c = Client()
r = c.get("/accounts/login/")
print(r.status_code, r.get("Location", ""))
r = c.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
print(r.status_code, r.get("Strict-Transport-Security", ""))
print(c.get("/healthz").status_code)
"""


def test_behind_https_the_portal_redirects_and_sends_hsts(tmp_path):
    env = clean_env(**readme_production_env())
    # No database or broker needed for these requests; the test client's host name.
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", ALLOWED_HOSTS="testserver", HSTS_SECONDS="600")
    env.update(DJANGO_SETTINGS_MODULE="fenghua_portal.settings", REDIS_URL="", REDIS_CACHE_URL="")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    plain, proxied, health = result.stdout.strip().splitlines()[-3:]
    assert plain == "301 https://testserver/accounts/login/"
    assert proxied == "200 max-age=600; includeSubDomains; preload"
    assert health == "200"  # the container's health check speaks plain HTTP on 127.0.0.1


def test_commands_refuse_to_run_without_a_secret_key_unless_debug():
    refused = manage("check", env=clean_env())
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr and "Traceback" not in refused.stderr
    assert manage("check", env=clean_env(DEBUG="1")).returncode == 0
    assert manage("check", env=clean_env(SECRET_KEY=secrets.token_urlsafe(50))).returncode == 0
