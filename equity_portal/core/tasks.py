"""Celery tasks of the core: thin wrappers that reload by id and call a service."""

from smtplib import SMTPException

from celery import shared_task
from django_scopes import scope, scopes_disabled

from . import services
from .jobs import jobs_recover_stale
from .models import Invitation


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def invitation_send_email(self, invitation_id: int, accept_url: str) -> None:
    """Send an invitation's email from the worker, so a slow or failing mail server never
    holds up (or breaks) the admin's request. Retried on mail-server errors."""
    with scopes_disabled():
        invitation = (
            Invitation.objects.select_related("organization", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
    if invitation is None:
        return
    with scope(organization=invitation.organization):
        try:
            services.invitation_email_send(invitation=invitation, accept_url=accept_url)
        except (SMTPException, OSError) as exc:
            raise self.retry(exc=exc) from exc


@shared_task(name="core.jobs_recover_stale")
def recover_stale_jobs() -> dict[str, int]:
    """Periodic (Celery beat, CELERY_BEAT_SCHEDULE): jobs whose worker died."""
    return jobs_recover_stale()
