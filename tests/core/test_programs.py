"""Tests that need a program (pdftotext...) skip with the Debian package to install when it is
absent, and fail the run under CI=true.  poppler-utils is installed here, so its absence is
simulated with a PATH that holds none of the programs."""

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import missing_programs

ROOT = Path(__file__).resolve().parents[2]
PDF_TEST = "tests/reports/test_pdf.py::test_pdf_embeds_a_cjk_font"


def test_a_missing_program_is_named_with_its_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    reason = missing_programs(["pdftotext", "pdffonts"])
    assert reason.startswith("needs pdftotext, pdffonts (Debian: poppler-utils;")


def test_nothing_is_missing_when_the_program_is_on_path(monkeypatch, tmp_path):
    program = tmp_path / "pdftotext"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert missing_programs(["pdftotext"]) == ""


def _pytest_without_poppler(tmp_path, **env):
    """Runs one PDF test in a fresh pytest whose PATH has no program at all."""
    empty = tmp_path / "bin"
    empty.mkdir(parents=True)
    environment = {key: value for key, value in os.environ.items() if key != "CI"}
    environment.update(PATH=str(empty), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", PDF_TEST, "-q", "-rs", "-p", "no:randomly"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_poppler_the_pdf_test_skips_locally_and_fails_in_ci(tmp_path):
    local = _pytest_without_poppler(tmp_path)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "1 skipped" in local.stdout
    assert "needs pdffonts (Debian: poppler-utils;" in local.stdout

    ci = _pytest_without_poppler(tmp_path / "ci", CI="true")
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "in CI every test must run" in ci.stdout
