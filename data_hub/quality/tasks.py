"""Thin Celery wrapper: take the quality job's id; the service claims it, re-enters the scope
and computes."""

from celery import shared_task
from django.db import OperationalError

from equity_portal.core.jobs import JobTask

from . import services


@shared_task(
    bind=True, base=JobTask, acks_late=True, max_retries=3, name="data_quality.compute_quality"
)
def compute_quality(self, job_id: int) -> None:
    try:
        services.quality_job_run(job_id=job_id, take_over=self.request.retries > 0)
    except OperationalError as exc:  # the database was briefly unavailable: try again
        raise self.retry(exc=exc, countdown=5) from exc
