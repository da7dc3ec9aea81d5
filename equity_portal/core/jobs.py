"""Background jobs: create, claim, report progress, finish. Used by every Celery task.

A task never trusts that it runs once: `job_claim` flips the job to running with a conditional
UPDATE and only the caller that changed the row goes on (habit 12, healthchecks' sendalerts).
"""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import scopes_disabled

from .models import Job, Organization, User


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
    )


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
    fields: dict = {"phase": phase}
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
        ).update(status=Job.Status.QUEUED, phase="", percent=0, rows_done=0, message="")
    return updated == 1
