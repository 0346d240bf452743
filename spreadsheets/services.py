"""The web import's steps: upload (checks the file and stores it privately), preview (a dry
run listing new, updated and rejected rows), confirm (the import itself) and cancel.  A sheet
of more than ASYNC_ROWS rows is previewed and imported by a Celery task; the page polls."""

import datetime
import logging
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from .exporter import RejectedRowsWriter
from .files import FileRejected, open_sheet, read_upload_to
from .importer import import_sheet, match_headers
from .models import ImportJob
from .permissions import can_import
from .resources import get_resource

ASYNC_ROWS = 500
logger = logging.getLogger(__name__)
UPLOAD_DIR = "imports"


def _path(name):
    return Path(settings.PRIVATE_STORAGE_ROOT) / name


def job_path(job):
    return _path(job.file) if job.file else None


def rejected_path(job):
    return _path(job.file + ".rejected.xlsx") if job.file else None


def _remove_files(job):
    for path in (job_path(job), rejected_path(job)):
        if path is not None:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass


def progress_key(job_id):
    return f"spreadsheets:import-progress:{job_id}"


def job_progress(job):
    return cache.get(progress_key(job.pk), job.processed_rows)


def job_upload(*, user, resource_name, uploaded):
    """Stores the upload under an unguessable name, checks it (size, type, zip bomb, XML
    entities, header row) and starts its preview.  Raises FileRejected or PermissionDenied."""
    resource = get_resource(resource_name)
    if not can_import(user, resource.name):
        raise PermissionDenied
    directory = _path(UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{UPLOAD_DIR}/{secrets.token_urlsafe(24)}"
    path = _path(name)
    try:
        read_upload_to(uploaded, path)
        sheet = open_sheet(path)
        sheet.close()
        match_headers(resource, sheet.headers)
    except FileRejected:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        raise
    job = ImportJob.objects.create(
        user=user,
        resource=resource.name,
        original_name=(uploaded.name or "")[:200],
        file=name,
        total_rows=sheet.total or 0,
    )
    if sheet.total is not None and sheet.total <= ASYNC_ROWS:
        job_preview(job=job)
    else:
        from .tasks import preview_import

        preview_import.delay_on_commit(job.pk)
    return job


def _progress(job):
    def report(rows):
        cache.set(progress_key(job.pk), rows, 3600)

    return report


def job_preview(*, job):
    """The dry run: counts of new, updated, unchanged and rejected rows, the errors, and the
    rejected rows written to a sheet the user can download, fix and upload again."""
    if not can_import(job.user, job.resource):
        raise PermissionDenied
    resource = get_resource(job.resource)
    writers = []

    def sink(headers):
        writers.append(RejectedRowsWriter(rejected_path(job), headers))
        return writers[0]

    try:
        result = import_sheet(
            resource, job_path(job), user=job.user, dry_run=True, progress=_progress(job), rejected_sink=sink
        )
    except FileRejected as exc:
        _finish(job, ImportJob.Status.FAILED, errors=[[0, "", str(exc)]])
        _remove_files(job)
        return job
    if writers:
        writers[0].close()
        if not result.rejected:
            os.remove(rejected_path(job))
    job.total_rows = result.total
    _finish(job, ImportJob.Status.PREVIEWED, summary=result.summary(), errors=result.errors)
    return job


def _finish(job, status, summary=None, errors=None):
    job.status = status
    job.processed_rows = job.total_rows
    if summary is not None:
        job.summary = summary
    if errors is not None:
        job.errors = errors
    job.save()
    cache.delete(progress_key(job.pk))


def can_confirm(job):
    return job.status == ImportJob.Status.PREVIEWED and not job.summary.get("rejected") and job_path(job).exists()


def job_confirm(*, job, user):
    """Imports a previewed job with no rejected rows (again all or none: the rows are checked
    once more, since records may have changed since the preview).  Large sheets go to a task."""
    if not can_import(user, job.resource) or job.user_id != user.pk:
        raise PermissionDenied
    if not can_confirm(job):
        raise FileRejected(_("该导入不能确认：只有预览通过、没有错误行的文件才能导入。"))
    job.status = ImportJob.Status.RUNNING
    job.processed_rows = 0
    job.save(update_fields=["status", "processed_rows", "updated_at"])
    if job.total_rows > ASYNC_ROWS:
        from .tasks import run_import

        run_import.delay_on_commit(job.pk)
    else:
        job_run(job=job)
    return job


def job_run(*, job):
    """The import itself (called in the request for small sheets, by the task otherwise).  The
    uploaded file is removed afterwards."""
    if job.status != ImportJob.Status.RUNNING:
        return job  # already done: a task delivered twice changes nothing
    if not can_import(job.user, job.resource):
        _finish(job, ImportJob.Status.FAILED, errors=[[0, "", _("没有导入权限。")]])
        _remove_files(job)
        return job
    try:
        result = import_sheet(
            get_resource(job.resource), job_path(job), user=job.user, dry_run=False, progress=_progress(job)
        )
    except FileRejected as exc:
        _finish(job, ImportJob.Status.FAILED, errors=[[0, "", str(exc)]])
    except Exception:
        logger.exception("import job %s failed", job.pk)
        _finish(job, ImportJob.Status.FAILED, errors=[[0, "", _("导入失败（系统错误），全部未导入；请联系管理员。")]])
        _remove_files(job)
        raise
    else:
        status = ImportJob.Status.DONE if result.saved else ImportJob.Status.REJECTED
        _finish(job, status, summary=result.summary(), errors=result.errors)
    _remove_files(job)
    return job


def job_cancel(*, job, user):
    if job.user_id != user.pk and not can_import(user, job.resource):
        raise PermissionDenied
    if job.status in (ImportJob.Status.RUNNING, ImportJob.Status.DONE):
        raise FileRejected(_("导入已开始或已完成，不能取消。"))
    _remove_files(job)
    job.status = ImportJob.Status.CANCELLED
    job.save(update_fields=["status", "updated_at"])
    return job


STALE_AFTER = datetime.timedelta(days=1)


def jobs_purge_stale(*, now=None):
    """Uploads left waiting (never confirmed or cancelled) for a day are cancelled and their
    files removed: the sheets hold personal data and must not pile up.  Returns how many."""
    now = now or timezone.now()
    waiting = ImportJob.objects.filter(
        status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED, ImportJob.Status.REJECTED],
        updated_at__lt=now - STALE_AFTER,
    )
    count = 0
    for job in waiting.iterator():
        _remove_files(job)
        job.status = ImportJob.Status.CANCELLED
        job.save(update_fields=["status", "updated_at"])
        count += 1
    return count
