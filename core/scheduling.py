"""One run per scheduled period, however many beats send the job."""

from .models import ScheduledRun


def claim_run(job: str, slot: object) -> bool:
    """True for the first caller for ``job`` and ``slot`` (e.g. "monthly-reports", "2026-09"),
    False for every later one: a second beat's run, or the same message delivered twice.  Call
    it inside the transaction that does the work, so that a run that fails releases its claim
    and can be run again."""
    _run, created = ScheduledRun.objects.get_or_create(job=job, slot=str(slot))
    return created
