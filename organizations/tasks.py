"""Celery entry points of the organizations app: they take ids and call the services."""

from celery import shared_task


@shared_task(
    acks_late=True, time_limit=60, soft_time_limit=50, autoretry_for=(OSError,), retry_backoff=60, max_retries=5
)
def send_invitation_email(invitation_id):
    from .services import invitation_send_email

    return invitation_send_email(invitation_id=invitation_id)
