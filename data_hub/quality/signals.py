"""Quality counts are recomputed by a job of their own (a Job row the pages can show, retried
and recovered like any other) queued in the transaction that stores an extract's results."""

from django.db import transaction

from equity_portal.core.jobs import job_create
from equity_portal.core.models import Job

QUALITY_JOB = "data_quality.compute_quality"
QUALITY_OBJECT = "data_quality.extract"


def results_stored(sender, extract, actor=None, **kwargs):
    queued = Job.objects.filter(
        organization=extract.organization,
        kind=QUALITY_JOB,
        object_type=QUALITY_OBJECT,
        object_id=str(extract.pk),
        status=Job.Status.QUEUED,
    ).exists()
    if queued:  # one that has not started yet will read these results
        return
    job = job_create(
        organization=extract.organization,
        kind=QUALITY_JOB,
        created_by=actor,
        object_type=QUALITY_OBJECT,
        object_id=extract.pk,
    )

    def send():
        from .tasks import compute_quality

        compute_quality.delay(job.pk)

    transaction.on_commit(send)
