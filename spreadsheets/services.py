"""The web import's steps: upload (stores the file privately and checks what costs nothing to
check), preview (a dry run describing the first rows and listing every rejected one), confirm
(the import itself) and cancel.  The statuses are documented on ``ImportJob``.

No request parses a large sheet: the upload request reads no row of a file with more than
INLINE_PREVIEW_BYTES to parse (measured from the zip directory or the CSV's size, never from
what the sheet says about itself) and hands its preview to a Celery task; the page polls.  A
confirmed sheet of more than ASYNC_ROWS rows (as counted by its preview) is imported by a task."""

import datetime
import logging
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from core import outbox
from core.files import private_storage

from .exporter import RejectedRowsWriter
from .files import FileRejected, check_file, read_upload_to, uncompressed_size
from .importer import PREVIEW_ROWS, import_sheet
from .models import ImportJob
from .notifications import notify_job_ended
from .permissions import can_import
from .resources import get_resource

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

ASYNC_ROWS = 500
PREVIEW_TASK = "spreadsheets.tasks.preview_import"
RUN_TASK = "spreadsheets.tasks.run_import"
# About 500-2,000 rows: a preview this size takes well under the ~2 s a request may spend.
INLINE_PREVIEW_BYTES = 256 * 1024
logger = logging.getLogger(__name__)
UPLOAD_DIR = "imports"


def _path(name: str) -> Path:
    return Path(private_storage().path(name))


# A FieldFile that is set (truthy) has a name: the ignores below are for FieldFile.name's None.
def job_path(job: ImportJob) -> Path | None:
    return _path(job.file.name) if job.file else None  # type: ignore[arg-type]


def rejected_path(job: ImportJob) -> Path | None:
    return _path(job.file.name + ".rejected.xlsx") if job.file else None  # type: ignore[operator]


def _remove_files(job: ImportJob, keep_rejected: bool = False) -> None:
    for path in (job_path(job), None if keep_rejected else rejected_path(job)):
        if path is not None:
            try:
                os.remove(path)
            except FileNotFoundError:
                pass


def progress_key(job_id: int) -> str:
    return f"spreadsheets:import-progress:{job_id}"


def job_progress(job: ImportJob) -> int:
    rows: int = cache.get(progress_key(job.pk), job.processed_rows)
    return rows


def job_upload(*, user: User, resource_name: str, uploaded: "UploadedFile[bytes]") -> ImportJob:
    """Stores the upload under an unguessable name, checks what needs no parsing (size, type,
    the zip directory: a zip bomb is refused without inflating it) and starts its preview: in
    the request for a small file, in a task otherwise.  Raises FileRejected or PermissionDenied."""
    resource = get_resource(resource_name)
    if not can_import(user, resource.name):
        raise PermissionDenied
    directory = _path(UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{UPLOAD_DIR}/{secrets.token_urlsafe(24)}"
    path = _path(name)
    try:
        read_upload_to(uploaded, path)
        kind = check_file(path, scan_xml=False)
    except FileRejected:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        raise
    job = ImportJob.objects.create(
        user=user, resource=resource.name, original_name=(uploaded.name or "")[:200], file=name
    )
    if uncompressed_size(path, kind) <= INLINE_PREVIEW_BYTES:
        job_preview(job=job)
    else:
        outbox.enqueue(PREVIEW_TASK, args=[job.pk], key=f"{PREVIEW_TASK}:{job.pk}")
    return job


def _progress(job: ImportJob) -> Callable[[int], None]:
    def report(rows: int) -> None:
        cache.set(progress_key(job.pk), rows, 3600)

    return report


def job_preview(*, job: ImportJob) -> ImportJob:
    """The dry run: the first rows as they would be imported (new, changed with the changed
    fields, unchanged, rejected with the reasons), the counts, every rejected row's errors and
    the rejected rows written to a sheet the user can download, fix and upload again.  A job
    with a rejected row (or a file refused as a whole) ends REJECTED and its upload is deleted."""
    if job.status != ImportJob.Status.UPLOADED:
        return job  # previewed already: a task delivered twice changes nothing
    if not can_import(job.user, job.resource):
        raise PermissionDenied
    resource = get_resource(job.resource)
    writers: list[RejectedRowsWriter] = []

    def sink(headers: Sequence[str]) -> RejectedRowsWriter:
        # An uploaded job has its file, so it has a rejected-rows path.
        writers.append(RejectedRowsWriter(rejected_path(job), headers))  # type: ignore[arg-type]
        return writers[0]

    try:
        result = import_sheet(
            resource,
            job_path(job),  # type: ignore[arg-type]  # an uploaded job has its file
            user=job.user,
            dry_run=True,
            progress=_progress(job),
            rejected_sink=sink,
            preview_rows=PREVIEW_ROWS,
        )
    except FileRejected as exc:
        for writer in writers:
            writer.discard()
        _remove_files(job)
        _finish(job, ImportJob.Status.REJECTED, errors=[[0, "", str(exc)]])
        return job
    except Exception:
        logger.exception("preview of import job %s failed", job.pk)
        for writer in writers:
            writer.discard()
        _remove_files(job)
        _finish(job, ImportJob.Status.FAILED, errors=[[0, "", _("预览失败（系统错误），请稍后重试或联系管理员。")]])
        raise
    if writers:
        writers[0].close()
    with transaction.atomic():
        # Cancelled while the task read the sheet: the user's cancel wins.
        if _locked_status(job) != ImportJob.Status.UPLOADED:
            _remove_files(job)
            return job
        job.total_rows = result.total
        job.preview = result.rows
        if result.rejected:
            _remove_files(job, keep_rejected=True)
            _finish(job, ImportJob.Status.REJECTED, summary=result.summary(), errors=result.errors)
        else:
            _finish(job, ImportJob.Status.PREVIEWED, summary=result.summary(), errors=result.errors)
    return job


def _locked_status(job: ImportJob) -> str | None:
    return ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("status", flat=True).first()


def _finish(
    job: ImportJob, status: str, summary: dict[str, Any] | None = None, errors: list[list[Any]] | None = None
) -> None:
    # The uploader is told how a confirmed import ended, and of any failure (a preview's result
    # shows on the page they are on: no notice for it).
    announce = job.status == ImportJob.Status.RUNNING or status == ImportJob.Status.FAILED
    job.status = status
    job.processed_rows = job.total_rows
    if summary is not None:
        job.summary = summary
    if errors is not None:
        job.errors = errors
    job.save()
    cache.delete(progress_key(job.pk))
    if announce:
        notify_job_ended(job)


def can_confirm(job: ImportJob) -> bool:
    # A previewed job has its file (a rejected or failed preview removes it, with that status).
    return job.status == ImportJob.Status.PREVIEWED and job_path(job).exists()  # type: ignore[union-attr]


def job_confirm(*, job: ImportJob, user: User) -> ImportJob:
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
        outbox.enqueue(RUN_TASK, args=[job.pk], key=f"{RUN_TASK}:{job.pk}")
    else:
        job_run(job=job)
    return job


def job_run(*, job: ImportJob) -> ImportJob:
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
            get_resource(job.resource),
            job_path(job),  # type: ignore[arg-type]  # a confirmed job has its file (can_confirm)
            user=job.user,
            dry_run=False,
            progress=_progress(job),
        )
    except FileRejected as exc:
        _finish(job, ImportJob.Status.REJECTED, errors=[[0, "", str(exc)]])
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


CANCELLABLE = (ImportJob.Status.UPLOADED, ImportJob.Status.PREVIEWED, ImportJob.Status.REJECTED)


def job_cancel(*, job: ImportJob, user: User) -> ImportJob:
    """Deletes the upload (and the rejected-rows sheet) of a job not yet imported."""
    if job.user_id != user.pk and not can_import(user, job.resource):
        raise PermissionDenied
    with transaction.atomic():
        if _locked_status(job) not in CANCELLABLE:
            raise FileRejected(_("导入已开始或已结束，不能取消。"))
        _remove_files(job)
        job.status = ImportJob.Status.CANCELLED
        job.save(update_fields=["status", "updated_at"])
    return job


STALE_AFTER = datetime.timedelta(days=1)


def jobs_purge_stale(*, now: datetime.datetime | None = None) -> int:
    """Uploads left waiting (never confirmed or cancelled) for a day are cancelled and their
    files (and rejected-rows sheets) removed: the sheets hold personal data and must not pile
    up.  Returns how many."""
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


# --- crash recovery: a job whose worker died is failed, retried by its owner, then purged ----

MAX_RUNS = 3
RETRY_EXPIRED = _lazy("重试期限已过，上传的文件已删除，没有导入任何行。如需导入，请重新上传。")
INTERRUPTED = _lazy("导入中断（处理程序停止运行），没有导入任何行。可以点击“重试”重新导入。")


def job_start_run(job_id: int) -> ImportJob | None:
    """The confirmed job for a task run to import, or None: not waiting to run (done, failed,
    a message delivered twice), or started MAX_RUNS times (a sheet that kills its worker fails,
    to be retried later).  Counting the start also restarts the sweeper's clock."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, status=ImportJob.Status.RUNNING).first()
        if job is None:
            return None
        if job.attempts >= MAX_RUNS:
            _fail_retryable(job)
            return None
        job.attempts += 1
        job.save(update_fields=["attempts", "updated_at"])
    return job


def _fail_retryable(job: ImportJob) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        job.errors = [[0, "", str(INTERRUPTED)]]
    job.status, job.retryable, job.processed_rows = ImportJob.Status.FAILED, True, 0
    job.save(update_fields=["status", "retryable", "processed_rows", "errors", "updated_at"])
    cache.delete(progress_key(job.pk))
    notify_job_ended(job)


def jobs_sweep_stuck(*, now: datetime.datetime | None = None) -> int:
    """Jobs being previewed or imported by a task that died (kill -9, a lost machine): nothing
    happened for IMPORT_STUCK_AFTER seconds (the task's own time limit is shorter) and no
    message for them waits in the outbox.  Marked failed, retryable; their upload is kept for
    the retry.  Returns how many."""
    now = now or timezone.now()
    waiting = {int(key.rsplit(":", 1)[1]) for key in outbox.pending_keys(prefix="spreadsheets.tasks.")}
    stuck = ImportJob.objects.filter(
        status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.RUNNING],
        updated_at__lt=now - datetime.timedelta(seconds=settings.IMPORT_STUCK_AFTER),
    ).exclude(pk__in=waiting)
    count = 0
    for job in stuck:
        _fail_retryable(job)
        count += 1
    if count:
        logger.warning("marked %d stuck import job(s) as failed", count)
    return count


def can_retry(job: ImportJob) -> bool:
    # bool(job.file): job_path(job) is a path here.
    return job.status == ImportJob.Status.FAILED and job.retryable and bool(job.file) and job_path(job).exists()  # type: ignore[union-attr]


def job_retry(*, job: ImportJob, user: User) -> ImportJob:
    """Runs a job that failed because its worker died again, for the user who uploaded it: a
    previewed job is imported again (its rows checked once more), otherwise it is previewed."""
    if not can_import(user, job.resource) or job.user_id != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if not can_retry(job):
            raise FileRejected(_("该导入不能重试：只有因处理中断而失败、文件仍在的导入可以重试。"))
        previewed = bool(job.summary) and not job.summary.get("rejected")
        job.status = ImportJob.Status.RUNNING if previewed else ImportJob.Status.UPLOADED
        job.retryable, job.attempts, job.processed_rows, job.errors = False, 0, 0, []
        job.save(update_fields=["status", "retryable", "attempts", "processed_rows", "errors", "updated_at"])
        if job.total_rows > ASYNC_ROWS:
            task = RUN_TASK if previewed else PREVIEW_TASK
            outbox.enqueue(task, args=[job.pk], key=f"{task}:{job.pk}")
    if job.total_rows <= ASYNC_ROWS and previewed:
        job_run(job=job)
    elif job.total_rows <= ASYNC_ROWS:
        job_preview(job=job)
    return job


def jobs_purge_failed(*, now: datetime.datetime | None = None) -> int:
    """Failed jobs' uploads (personal data) are removed once their retry window (a day, as for
    uploads nobody confirmed) has passed.  Returns how many."""
    now = now or timezone.now()
    expired = ImportJob.objects.filter(status=ImportJob.Status.FAILED, updated_at__lt=now - STALE_AFTER).exclude(
        file=""
    )
    count = 0
    for job in expired.iterator():
        _remove_files(job)
        if job.retryable:
            with translation.override(settings.LANGUAGE_CODE):
                job.errors = [[0, "", str(RETRY_EXPIRED)]]
        job.file, job.retryable = "", False
        job.save(update_fields=["file", "retryable", "errors", "updated_at"])
        count += 1
    return count
