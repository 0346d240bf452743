"""Hooks from the apps below: after an import, the figures users look at are computed again by
the worker (through the outbox, in the import's transaction), so no user pays for them."""

from core import outbox

REFRESH_TASK = "reports.tasks.refresh_figures"
REFRESH_KEY = "reports.refresh-figures"


def import_finished(sender, instance, **kwargs):
    from spreadsheets.models import ImportJob

    if instance.status == ImportJob.Status.DONE:
        outbox.enqueue(REFRESH_TASK, kwargs={"only_existing": True}, key=REFRESH_KEY)
