"""Background jobs: create, claim, report progress, finish. Used by every Celery task.

A task never trusts that it runs once: `job_claim` flips the job to running with a conditional
UPDATE and only the caller that changed the row goes on (habit 12, healthchecks' sendalerts).
"""

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from celery import Task, current_app
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import Job, Organization, User
from .signals import job_failed

logger = logging.getLogger(__name__)

STOPPED_MESSAGE = (
    "The job stopped unexpectedly {attempts} times (its worker was lost or the database was "
    "unavailable). Nothing was stored. Retry it, or discard it."
)


def job_create(
    *,
    organization: Organization,
    kind: str,
    created_by: User | None,
    object_type: str = "",
    object_id: str | int = "",
) -> Job:
    return Job.objects.create(
        organization=organization,
        kind=kind,
        created_by=created_by,
        object_type=object_type,
        object_id=str(object_id),
        heartbeat_at=timezone.now(),
    )


def job_active_for(*, object_type: str, object_id: str | int) -> Job | None:
    """The queued or running job of an object, if any."""
    with scopes_disabled():
        return Job.objects.filter(
            object_type=object_type, object_id=str(object_id), status__in=Job.ACTIVE
        ).first()


def job_claim(*, job_id: int, allow_stale_running: bool = False) -> bool:
    """Mark a queued (or failed, when retried) job as running. False if another run has it.

    `allow_stale_running` lets a redelivered message (worker crashed, acks_late) take over a job
    left running by the dead worker.
    """
    claimable = Q(status__in=[Job.Status.QUEUED, Job.Status.FAILED])
    if allow_stale_running:
        claimable |= Q(status=Job.Status.RUNNING)
    with scopes_disabled():
        updated = Job.objects.filter(claimable, pk=job_id).update(
            status=Job.Status.RUNNING,
            started_at=timezone.now(),
            heartbeat_at=timezone.now(),
            finished_at=None,
            message="",
            attempts=F("attempts") + 1,
        )
    return updated == 1


def job_progress(
    *,
    job_id: int,
    phase: str,
    rows_done: int | None = None,
    rows_total: int | None = None,
    percent: int | None = None,
) -> None:
    """Update what the progress bar shows. Written outside any enclosing transaction's result
    so that pages see it while the job runs (call it between phases, not inside the final
    atomic write)."""
    fields: dict = {"phase": phase, "heartbeat_at": timezone.now()}
    if rows_done is not None:
        fields["rows_done"] = rows_done
    if rows_total is not None:
        fields["rows_total"] = rows_total
    if percent is not None:
        fields["percent"] = max(0, min(100, int(percent)))
    with scopes_disabled():
        Job.objects.filter(pk=job_id).update(**fields)


def job_finish(*, job_id: int, status: str, message: str = "") -> None:
    """Close a job as succeeded, failed or waiting. `message` is shown to users: write it for
    them, never pass an exception's text."""
    if status not in (Job.Status.SUCCEEDED, Job.Status.FAILED, Job.Status.WAITING):
        raise ValueError(f"not a final status: {status}")
    fields = {"status": status, "message": message, "finished_at": timezone.now()}
    if status == Job.Status.SUCCEEDED:
        fields["percent"] = 100
        fields["phase"] = "done"
    with scopes_disabled(), transaction.atomic():
        Job.objects.filter(pk=job_id).update(**fields)


def job_requeue(*, job: Job) -> bool:
    """Put a failed job back in the queue (the Retry button). False if it is not failed."""
    with scopes_disabled():
        updated = Job.objects.filter(
            pk=job.pk, status__in=[Job.Status.FAILED, Job.Status.WAITING]
        ).update(
            status=Job.Status.QUEUED,
            phase="",
            percent=0,
            rows_done=0,
            message="",
            attempts=0,  # a retried job gets its full number of attempts again
            heartbeat_at=timezone.now(),
        )
    return updated == 1


def job_fail(*, job_id: int, message: str) -> bool:
    """Mark a queued or running job failed (its runs are exhausted) and tell the app that owns
    its object (`signals.job_failed`), so that the job can be retried or discarded. False when
    the job had already ended."""
    with scopes_disabled(), transaction.atomic():
        updated = Job.objects.filter(pk=job_id, status__in=Job.ACTIVE).update(
            status=Job.Status.FAILED, message=message, finished_at=timezone.now()
        )
        if updated:
            job = Job.objects.select_related("organization").get(pk=job_id)
            job_failed.send(sender=Job, job=job)
    return updated == 1


def job_heartbeat(*, job_id: int) -> None:
    with scopes_disabled():
        Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())


@contextmanager
def job_keep_alive(job_id: int, interval: float | None = None):
    """Touch the job's heartbeat every JOB_HEARTBEAT_SECONDS from a thread while the body runs
    (a long DuckDB phase reports no progress for minutes). The thread dies with its process,
    so a killed worker's job goes stale and jobs_recover_stale takes it back."""
    interval = interval if interval is not None else settings.JOB_HEARTBEAT_SECONDS
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    job_heartbeat(job_id=job_id)
                except DatabaseError:  # busy or briefly down: the next beat tries again
                    logger.warning("heartbeat of job %s failed", job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _send(job: Job) -> None:
    """Enqueue the job's task: a job's kind is its Celery task name."""
    task = current_app.tasks.get(job.kind)
    if task is not None:
        task.delay(job.pk)
    else:
        current_app.send_task(job.kind, args=[job.pk])


def jobs_recover_stale() -> dict[str, int]:
    """The periodic task's body (Celery beat): a running job whose heartbeat is older than
    JOB_STALE_SECONDS lost its worker. Put it back in the queue with a conditional UPDATE (only
    one recoverer wins, and never a job that came back to life), or mark it failed once it has
    used JOB_MAX_ATTEMPTS. A queued job that nobody took for as long (its message was lost) is
    sent again; a duplicate delivery is harmless, `job_claim` lets one run proceed."""
    now = timezone.now()
    stale_before = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    with scopes_disabled():
        stale = list(
            Job.objects.filter(status__in=Job.ACTIVE).filter(
                Q(heartbeat_at__lt=stale_before)
                | Q(heartbeat_at__isnull=True, created_at__lt=stale_before)
            )
        )
        for job in stale:
            same = Job.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at)
            if job.status == Job.Status.RUNNING and job.attempts >= settings.JOB_MAX_ATTEMPTS:
                if job_fail(job_id=job.pk, message=STOPPED_MESSAGE.format(attempts=job.attempts)):
                    counts["failed"] += 1
                continue
            if job.status == Job.Status.RUNNING:
                fields = {"status": Job.Status.QUEUED, "phase": "", "heartbeat_at": now}
                key = "requeued"
            else:
                fields = {"heartbeat_at": now}
                key = "resent"
            if same.update(**fields) == 1:
                counts[key] += 1
                job.refresh_from_db()
                _send(job)
    if any(counts.values()):
        logger.warning("stale jobs: %s", counts)
    return counts


class JobTask(Task):
    """Base class of the tasks that run a Job (first argument: the job id). It keeps the job's
    heartbeat while it runs and marks the job failed when the task gives up (its retries are
    exhausted or it raised), instead of leaving it "running" for ever."""

    def __call__(self, *args, **kwargs):
        job_id = args[0] if args else kwargs.get("job_id")
        if self.request.is_eager or job_id is None:
            return super().__call__(*args, **kwargs)
        close_old_connections()
        with job_keep_alive(int(job_id)):
            return super().__call__(*args, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is None:
            return
        logger.error("job %s gave up: %s", job_id, type(exc).__name__)
        try:
            with scopes_disabled():
                attempts = Job.objects.filter(pk=job_id).values_list("attempts", flat=True).first()
            job_fail(job_id=int(job_id), message=STOPPED_MESSAGE.format(attempts=attempts or 1))
        except DatabaseError:
            # The database is still down: the job stays running, goes stale, and
            # jobs_recover_stale retries or fails it later.
            logger.error("job %s could not be marked failed", job_id)
