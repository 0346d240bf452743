"""Celery entry points of large imports: they take the job's id and call the service."""

from celery import shared_task

from .models import ImportJob


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def preview_import(job_id):
    from .services import job_preview

    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.UPLOADED).first()
    if job is not None:
        job_preview(job=job)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def run_import(job_id):
    from .services import job_run

    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        job_run(job=job)


@shared_task(time_limit=300, soft_time_limit=280)
def purge_stale_uploads():
    """Beat, daily: removes uploads nobody confirmed or cancelled (see jobs_purge_stale)."""
    from .services import jobs_purge_stale

    return jobs_purge_stale()
