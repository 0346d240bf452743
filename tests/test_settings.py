"""Settings that change what a person sees: hashed static files that still load (in pages and
in PDFs), task errors that surface in in-process mode, commands without the axes banner."""

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse

from reports.pdf import BASE_URL, html_to_pdf, static_response
from spreadsheets.models import ImportJob
from spreadsheets.tasks import run_import

ROOT = Path(__file__).resolve().parents[1]
HASHED = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic as the Dockerfile runs it (once: it compresses every file), into a folder
    of these tests' own; the hashed storage stays on while they run."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES={**settings.STORAGES, "staticfiles": HASHED}):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield json.loads((root / "staticfiles.json").read_text())["paths"]


def test_collected_static_files_have_hashed_compressed_names_and_load(collected, staff, client_for):
    css = collected["css/portal.css"]
    assert re.fullmatch(r"css/portal\.[0-9a-f]{12}\.css", css)
    assert (settings.STATIC_ROOT / f"{css}.gz").exists() and (settings.STATIC_ROOT / f"{css}.br").exists()

    page = client_for(staff).get(reverse("organizations:list")).content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert f"/static/{css}" in assets
    for url in assets:
        response = client_for(staff).get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert "immutable" in response["Cache-Control"], url  # safe: a new file gets a new name
    response = client_for(staff).get(f"/static/{css}", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(b"".join(response.streaming_content))
    assert body == (settings.STATIC_ROOT / css).read_bytes()


def test_a_pdf_loads_the_hashed_stylesheet(collected):
    html = Template(
        '{% load static %}<html><head><link rel="stylesheet" href="{% static "css/reports.css" %}"></head>'
        '<body class="pdf"><p>兰馨</p></body></html>'
    ).render(Context())
    assert f"/static/{collected['css/reports.css']}" in html
    assert b"@page" in static_response(BASE_URL + "static/" + collected["css/reports.css"]).read()
    assert html_to_pdf(html).startswith(b"%PDF")  # the fetcher refuses (and fails) what it cannot find


@pytest.mark.django_db
def test_a_task_error_surfaces_in_in_process_mode(staff, monkeypatch):
    def broken(*, job):
        raise RuntimeError("the import engine broke")

    monkeypatch.setattr("spreadsheets.services.job_run", broken)
    job = ImportJob.objects.create(user=staff, resource="visits", original_name="走访.xlsx", status="running")
    with pytest.raises(RuntimeError, match="the import engine broke"):
        run_import.delay(job.pk)


def test_commands_do_not_print_the_axes_banner():
    env = dict(os.environ, DEBUG="1")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "AXES" not in result.stdout + result.stderr
