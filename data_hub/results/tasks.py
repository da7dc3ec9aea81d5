"""Thin Celery wrapper: republish an organization's results after a setting changed."""

from celery import shared_task
from django.db import OperationalError


@shared_task(bind=True, acks_late=True, max_retries=3, name="data_hub.publish_results")
def publish_results(self, organization_id: int) -> None:
    from . import publishing  # pandas loads with the first publication, not at start

    try:
        publishing.publish_in_scope(organization_id=organization_id)
    except OperationalError as exc:  # the database was briefly unavailable: try again
        raise self.retry(exc=exc, countdown=5) from exc
