"""Thin Celery wrappers of the Improve step."""

from celery import shared_task
from django_scopes import scope, scopes_disabled

from equity_portal.core.models import Organization

from . import demo


@shared_task(bind=True, max_retries=180, default_retry_delay=10, name="improvement.complete_demo")
def complete_demo_improvement(self, organization_id: int) -> None:
    """Add the demo campaign once Vision's demo charter (which waits for the processed demo
    extract) is approved. Retries every 10 s for 30 minutes."""
    with scopes_disabled():
        organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return
    with scope(organization=organization):
        done = demo.improvement_demo_seed(organization=organization)
    if not done and not self.request.is_eager:
        raise self.retry()
