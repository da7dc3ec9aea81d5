"""Thin Celery wrappers: take a job id, call the service (which claims the job, re-enters the
organization's scope and records progress). acks_late: a worker lost mid-job leaves the
message to be redelivered, and the service then takes over the job it left running. With a
broker that loses the message (the filesystem one), the periodic `core.jobs_recover_stale`
sees the job's heartbeat stop and queues it again (core/jobs.py). `JobTask` marks the job
failed when a task gives up (its retries exhausted)."""

from celery import shared_task
from django.db import OperationalError

from equity_portal.core.jobs import JobTask

from . import services


def _redelivered(task) -> bool:
    return bool((task.request.delivery_info or {}).get("redelivered"))


def _take_over(task) -> bool:
    return _redelivered(task) or task.request.retries > 0


@shared_task(
    bind=True, base=JobTask, acks_late=True, max_retries=3, name="data_hub.process_extract"
)
def process_extract(self, job_id: int) -> None:
    try:
        services.extract_process(job_id=job_id, take_over=_take_over(self))
    except OperationalError as exc:  # the database was briefly unavailable: try again
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(
    bind=True, base=JobTask, acks_late=True, max_retries=3, name="data_hub.restratify_extract"
)
def restratify_extract(self, job_id: int) -> None:
    try:
        services.extract_restratify_run(job_id=job_id, take_over=_take_over(self))
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(
    bind=True, base=JobTask, acks_late=True, max_retries=3, name="data_hub.inspect_extract"
)
def inspect_extract(self, job_id: int) -> None:
    try:
        services.extract_inspect(job_id=job_id, take_over=_take_over(self))
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=5) from exc


@shared_task(name="data_hub.purge_raw_uploads")
def purge_raw_uploads() -> int:
    """Periodic (Celery beat): raw uploads past their time (processed after the retention,
    never processed after RAW_UPLOAD_MAX_HOURS)."""
    return services.extracts_purge_raw()
