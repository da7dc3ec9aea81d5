"""Thin Celery wrappers of the Vision step."""

from celery import shared_task
from django_scopes import scope, scopes_disabled

from equity_portal.core.models import Organization

from . import demo


@shared_task(bind=True, max_retries=180, default_retry_delay=10, name="vision.complete_demo")
def complete_demo_vision(self, organization_id: int) -> None:
    """Finish the demo's priorities and charters once the worker has processed the demo
    extract (seed_demo queues it before the worker runs). Retries every 10 s for 30 minutes."""
    with scopes_disabled():
        organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with scope(organization=organization):
        complete = demo.vision_demo_seed(
            organization=organization, users=demo.demo_users(organization)
        )
    if not complete and not self.request.is_eager:
        raise self.retry()
