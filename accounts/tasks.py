"""Celery entry points of the accounts app."""

from celery import shared_task


@shared_task(time_limit=300, soft_time_limit=280)
def purge_signin_events():
    """Beat, daily: sign-in events past their retention (see signin_events_purge)."""
    from .services import signin_events_purge

    return signin_events_purge()
