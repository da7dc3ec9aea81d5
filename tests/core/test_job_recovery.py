"""Jobs that survive a lost worker (issue 15, item 1): the heartbeat, the periodic task that
queues a stale running job again or fails it after JOB_MAX_ATTEMPTS, the task that marks its
job failed when its retries run out, and the beat schedule that runs the periodic work."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from celery import shared_task
from django.conf import settings as django_settings
from django.db import OperationalError
from django.utils import timezone

from equity_portal.core import jobs
from equity_portal.core.jobs import (
    JobTask,
    job_claim,
    job_create,
    job_keep_alive,
    job_requeue,
    jobs_recover_stale,
)
from equity_portal.core.models import Job
from equity_portal.core.signals import job_failed

pytestmark = pytest.mark.django_db

RUNS: list[int] = []


@shared_task(bind=True, base=JobTask, max_retries=2, name="tests.flaky_job")
def flaky_job(self, job_id: int) -> None:
    """Claims its job, then finds the database unavailable every time."""
    job_claim(job_id=job_id, allow_stale_running=self.request.retries > 0)
    RUNS.append(job_id)
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=0) from exc


@pytest.fixture
def job(org):
    return job_create(organization=org, kind="tests.flaky_job", created_by=None)


def _age(job, seconds):
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=seconds))


def test_claim_and_progress_touch_the_heartbeat(job):
    _age(job, 1000)
    job_claim(job_id=job.pk)
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)


def test_a_running_job_whose_heartbeat_stopped_is_queued_again(job, settings):
    settings.JOB_STALE_SECONDS = 60
    job_claim(job_id=job.pk)
    _age(job, 61)
    with mock.patch.object(jobs, "_send") as send:
        assert jobs_recover_stale() == {"requeued": 1, "failed": 0, "resent": 0}
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    send.assert_called_once()
    # A second beat (or a second beat process) finds nothing left to recover.
    with mock.patch.object(jobs, "_send") as send:
        assert jobs_recover_stale() == {"requeued": 0, "failed": 0, "resent": 0}
    send.assert_not_called()


def test_a_job_with_a_live_heartbeat_is_left_alone(job, settings):
    settings.JOB_STALE_SECONDS = 60
    job_claim(job_id=job.pk)
    _age(job, 30)
    with mock.patch.object(jobs, "_send") as send:
        assert jobs_recover_stale()["requeued"] == 0
    send.assert_not_called()
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_after_the_attempt_limit_the_job_fails_with_a_message_and_can_be_retried(job, settings):
    settings.JOB_STALE_SECONDS = 60
    settings.JOB_MAX_ATTEMPTS = 2
    received = []
    job_failed.connect(lambda sender, job, **kw: received.append(job.pk), weak=False)
    try:
        for _ in range(2):
            job_claim(job_id=job.pk, allow_stale_running=True)
        _age(job, 120)
        with mock.patch.object(jobs, "_send"):
            assert jobs_recover_stale()["failed"] == 1
    finally:
        job_failed.receivers.pop()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped unexpectedly 2 times" in job.message
    assert received == [job.pk]
    assert job_requeue(job=job) is True
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 0


def test_a_queued_job_nobody_took_is_sent_again(job, settings):
    settings.JOB_STALE_SECONDS = 60
    _age(job, 61)
    with mock.patch.object(jobs, "_send") as send:
        assert jobs_recover_stale()["resent"] == 1
    send.assert_called_once()
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED


def test_a_task_whose_retries_run_out_marks_its_job_failed(job):
    RUNS.clear()
    app = flaky_job.app
    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False  # as a worker: the failure ends the task
    try:
        flaky_job.apply(args=[job.pk])  # retried in place, eagerly
    finally:
        app.conf.task_eager_propagates = previous
    job.refresh_from_db()
    assert len(RUNS) == 3  # the first run and max_retries=2 retries
    assert job.status == Job.Status.FAILED
    assert "stopped unexpectedly" in job.message and "Retry" in job.message


def test_keep_alive_beats_while_the_body_runs(job, transactional_db):
    job_claim(job_id=job.pk)
    _age(job, 1000)
    with job_keep_alive(job.pk, interval=0.05):
        time.sleep(0.5)
    job.refresh_from_db()
    assert timezone.now() - job.heartbeat_at < timedelta(seconds=5)


def test_celery_beat_runs_the_periodic_work():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"core.jobs_recover_stale", "data_hub.purge_raw_uploads"} <= tasks
    from equity_portal.celery import app

    app.loader.import_default_modules()
    assert {"core.jobs_recover_stale", "data_hub.purge_raw_uploads"} <= set(app.tasks)
