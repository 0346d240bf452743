"""The PDFs on disk: stored under REPORT_STORAGE_ROOT with unguessable names, swapped in under
the report's lock, orphans purged, and the name a download gets."""

import datetime
import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import month_title

from .access import scope_for_report
from .models import MonthlyReport
from .notifications import notify_report_ready


def report_path(report):
    return Path(settings.REPORT_STORAGE_ROOT) / report.file


def store_pdf(report, pdf):
    """Writes ``pdf`` under a temporary name, renames it and records it on the report (the
    previous file of the same report is deleted), then tells who asked."""
    root = Path(settings.REPORT_STORAGE_ROOT)
    relative = f"{report.month:%Y-%m}/{secrets.token_urlsafe(24)}.pdf"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_bytes(pdf)
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        old = locked.file
        os.replace(partial, target)
        locked.status, locked.progress, locked.file = MonthlyReport.Status.DONE, 100, relative
        locked.error, locked.built_at = "", timezone.now()
        locked.save()
        notify_report_ready(locked, scope_for_report(report))
    if old and old != relative:
        (root / old).unlink(missing_ok=True)
    return relative


ORPHAN_AGE = datetime.timedelta(hours=1)


def reports_purge_orphan_files(*, now=None):
    """PDFs and partial files under REPORT_STORAGE_ROOT that no report points to (a build killed
    between writing and recording its file), once an hour old.  Returns how many."""
    root = Path(settings.REPORT_STORAGE_ROOT)
    if not root.is_dir():
        return 0
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    kept = set(MonthlyReport.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for path in list(root.rglob("*.pdf")) + list(root.rglob("*.part")):
        relative = path.relative_to(root).as_posix()
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if relative not in kept and modified < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


# Characters a file name may not carry on Windows, macOS or Linux.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def download_name(report):
    """What the downloaded file is called: ``奉化区妇联月报-2026年11月.pdf`` for the district,
    ``奉化区妇联月报-锦屏街道-2026年11月.pdf`` for a town or an organization."""
    title = _("奉化区妇联月报")
    if report.scope_kind == MonthlyReport.ScopeKind.TOWN and report.town is not None:
        title = f"{title}-{report.town.name}"
    elif report.scope_kind == MonthlyReport.ScopeKind.ORGANIZATION and report.organization is not None:
        title = f"{title}-{report.organization.name}"
    name = _UNSAFE.sub("_", f"{title}-{month_title(report.month)}").strip(". ")
    return f"{name[:150]}.pdf"


def ascii_name(report):
    """The fallback name for clients that do not read RFC 5987's ``filename*``."""
    return f"fenghua-monthly-report-{report.month:%Y-%m}-{report.scope_key.replace(':', '-')}.pdf"
