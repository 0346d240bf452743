"""The offline app's pieces that need no browser: the manifest and the worker at the site root,
the page, the size of its JavaScript, and the unit tests of its logic (node --test)."""

import json
import pathlib
import subprocess

import pytest
from django.test import Client

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_manifest_and_the_worker_are_served_at_the_root():
    manifest = Client().get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    data = json.loads(manifest.content)
    assert data["start_url"] == "/offline/" and data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/")
    worker = Client().get("/sw.js")
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/"
    source = worker.content.decode()
    assert "/static/js/offline.js" in source and "/offline/" in source
    assert "http://" not in source and "https://" not in source


@pytest.mark.django_db
def test_the_page_carries_no_inline_script(client_for, member_a):
    page = client_for(member_a).get("/offline/").content.decode()
    assert "离线走访" in page and 'id="visit-form"' in page
    assert "<script>" not in page and "style=" not in page
    assert 'data-offline-days="7"' in page and 'id="sync-badge"' in page


def test_the_offline_javascript_is_small():
    size = sum((ROOT / "static" / "js" / name).stat().st_size for name in ("offline.js", "offline-core.js"))
    assert size < 100 * 1024


@pytest.mark.programs("node")
def test_the_offline_logic_unit_tests_pass():
    result = subprocess.run(["node", "--test", str(ROOT / "tests" / "js")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
