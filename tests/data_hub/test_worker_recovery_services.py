"""A worker killed with SIGKILL in the middle of a job (issue 15, "Done when"): a new worker
and the periodic recovery (jobs_recover_stale, what Celery beat runs) finish the job with the
same results as an uninterrupted run and no duplicate; and a job that has used its attempts is
failed, then retried successfully. Real worker processes, real broker (Redis in CI)."""

import os
import signal

import pytest
from django.db import transaction

from data_hub import services
from data_hub.mapping import suggest
from data_hub.models import Extract, StratifiedCount
from equity_portal.core.jobs import jobs_recover_stale
from equity_portal.core.models import Job
from tests.data_hub.conftest import wait_for
from tests.data_hub.factories import MeasureFactory, row, upload_file, write_csv

RACES = ["White", "Black", "Asian", "Hispanic", "Declined"]
ROWS = 150_000


@pytest.fixture
def big_file(tmp_path):
    rows = (
        row(f"TEST-{i:07d}", num=str(i % 2), race=RACES[i % 5], period=f"2025-0{1 + i % 6}")
        for i in range(ROWS)
    )
    return write_csv(tmp_path / "big.csv", rows)


def _queue(org, path):
    extract = upload_file(org, path)  # read here (inspect job run in-process)
    config = {"format": "long", "columns": suggest(extract.headers), "date_period": "month"}
    with transaction.atomic():  # committed: the task is sent to the broker
        services.extract_map_columns(extract=extract, config=config, actor=None)
    extract.refresh_from_db()
    return extract


def _kill_mid_job(worker, job_id, tmp_path):
    """SIGKILL the worker as soon as it runs the job (the job is then left "running")."""
    assert wait_for(
        lambda: Job.objects.get(pk=job_id).status == Job.Status.RUNNING, timeout=120, interval=0.02
    ), (tmp_path / "worker-1.log").read_text()[-3000:]
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    job = Job.objects.get(pk=job_id)
    assert job.status == Job.Status.RUNNING, "the job finished before the worker was killed"
    return job


def _cells(extract):
    return sorted(
        StratifiedCount.objects.filter(extract=extract).values_list(
            "measure__code", "period_start", "dimension", "group", "numerator", "denominator"
        )
    )


def _recover_when_stale(job_id):
    """What Celery beat does every minute, until the stale job is recovered."""
    counts = {}

    def recovered():
        counts.update(jobs_recover_stale())
        return counts.get("requeued") or counts.get("failed")

    assert wait_for(recovered, timeout=60, interval=1)
    return counts


@pytest.mark.services
@pytest.mark.timeout(900)
def test_a_killed_worker_is_replaced_and_the_job_finishes_once(
    org, celery_workers, big_file, tmp_path, settings
):
    settings.JOB_STALE_SECONDS = 4
    MeasureFactory(organization=org, code="A1C")
    first_worker = celery_workers()
    extract = _queue(org, big_file)

    _kill_mid_job(first_worker, extract.job_id, tmp_path)
    celery_workers()  # a new worker
    assert _recover_when_stale(extract.job_id)["requeued"] == 1

    assert wait_for(lambda: Job.objects.get(pk=extract.job_id).is_finished, timeout=300), (
        tmp_path / "worker-2.log"
    ).read_text()[-3000:]
    job = Job.objects.get(pk=extract.job_id)
    extract.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.attempts == 2
    assert extract.status == Extract.Status.PROCESSED and extract.rows_accepted == ROWS

    # The same file, uninterrupted, on the same worker: the same cells, none twice.
    reference = _queue(org, big_file)
    assert wait_for(lambda: Job.objects.get(pk=reference.job_id).is_finished, timeout=300)
    assert _cells(extract) == _cells(reference)
    assert len(_cells(extract)) == len(set(_cells(extract)))


@pytest.mark.services
@pytest.mark.timeout(900)
def test_a_job_out_of_attempts_fails_and_is_retried_successfully(
    org, celery_workers, big_file, tmp_path, settings
):
    settings.JOB_STALE_SECONDS = 4
    settings.JOB_MAX_ATTEMPTS = 1
    MeasureFactory(organization=org, code="A1C")
    first_worker = celery_workers()
    extract = _queue(org, big_file)

    _kill_mid_job(first_worker, extract.job_id, tmp_path)
    assert _recover_when_stale(extract.job_id)["failed"] == 1

    job = Job.objects.get(pk=extract.job_id)
    extract.refresh_from_db()
    assert job.status == Job.Status.FAILED and "stopped unexpectedly" in job.message
    assert extract.status == Extract.Status.FAILED

    celery_workers()
    with transaction.atomic():
        services.extract_retry(extract=extract, actor=None)
    assert wait_for(lambda: Job.objects.get(pk=extract.job_id).is_finished, timeout=300), (
        tmp_path / "worker-2.log"
    ).read_text()[-3000:]
    job.refresh_from_db()
    extract.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert extract.status == Extract.Status.PROCESSED and extract.rows_accepted == ROWS
