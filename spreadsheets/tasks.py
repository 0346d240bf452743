"""Celery entry points of large imports: they take the job's id and call the service.  Both
are safe to run again (a preview is a dry run; an import is all rows or none, and runs only
while its job is RUNNING), so a task whose worker died goes back to the queue."""

from celery import shared_task

from core.locks import advisory_lock

from .models import ImportJob


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=570)
def preview_import(job_id):
    from .services import job_preview

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.UPLOADED).first()
    if job is not None:
        job_preview(job=job)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=570)
def run_import(job_id):
    from .services import RUN_TASK, job_run, job_start_run

    with advisory_lock(f"{RUN_TASK}:{job_id}") as acquired:
        if not acquired:
            return  # the same message, delivered twice, is being imported by another worker
        job = job_start_run(job_id)
        if job is not None:
            job_run(job=job)


@shared_task(time_limit=300, soft_time_limit=280)
def purge_stale_uploads():
    """Beat, daily: removes uploads nobody confirmed or cancelled (see jobs_purge_stale) and
    those of failed jobs whose retry window has passed (jobs_purge_failed)."""
    from .services import jobs_purge_failed, jobs_purge_stale

    return jobs_purge_stale() + jobs_purge_failed()


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def sweep_stuck_imports():
    """Beat, every SWEEP_SECONDS: jobs whose task died are marked failed, to be retried."""
    from .services import jobs_sweep_stuck

    return jobs_sweep_stuck()
