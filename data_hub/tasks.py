"""Thin Celery wrappers: take a job id, call the service (which claims the job, re-enters the
organization's scope and records progress). acks_late: a worker lost mid-job leaves the
message to be redelivered, and the service then takes over the job it left running."""

from celery import shared_task
from django.db import OperationalError

from . import services


def _redelivered(task) -> bool:
    return bool((task.request.delivery_info or {}).get("redelivered"))


@shared_task(bind=True, acks_late=True, max_retries=3, name="data_hub.process_extract")
def process_extract(self, job_id: int) -> None:
    try:
        services.extract_process(
            job_id=job_id, take_over=_redelivered(self) or self.request.retries > 0
        )
    except OperationalError as exc:  # the database was briefly unavailable: try again
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(bind=True, acks_late=True, max_retries=3, name="data_hub.restratify_extract")
def restratify_extract(self, job_id: int) -> None:
    try:
        services.extract_restratify_run(
            job_id=job_id, take_over=_redelivered(self) or self.request.retries > 0
        )
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=5) from exc
