"""The Celery job: progress, idempotency, retry after a crash, failure messages, raw deletion."""

from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from data_hub import services, storage
from data_hub.models import Extract, StratifiedCount
from equity_portal.core.jobs import job_claim
from equity_portal.core.models import Job
from tests.data_hub.factories import ingest, row, write_csv

ROWS = [
    row(f"TEST-{i:03d}", num=str(i % 2), race=["White", "Black", "Asian"][i % 3]) for i in range(60)
]


def _snapshot(extract):
    return sorted(
        extract.counts.values_list(
            "measure__code", "period_label", "dimension", "group", "numerator", "denominator"
        )
    )


@pytest.mark.django_db
def test_running_the_same_extract_twice_gives_the_same_rows(org, measures, tmp_path, settings):
    org.raw_retention_days = 30  # keep the file so the job can run again
    org.save()
    extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))
    first = _snapshot(extract)

    Job.objects.filter(pk=extract.job_id).update(status=Job.Status.QUEUED)
    services.extract_process(job_id=extract.job_id)

    assert _snapshot(extract) == first
    assert StratifiedCount.objects.filter(extract=extract).count() == len(first)


@pytest.mark.django_db
def test_a_duplicate_delivery_does_not_run_twice(org, measures, tmp_path):
    extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))
    with mock.patch("data_hub.services._process") as process:
        services.extract_process(job_id=extract.job_id)  # already succeeded: not claimable
    process.assert_not_called()


@pytest.mark.django_db
def test_retry_after_a_crash_mid_write_yields_the_same_results(org, measures, tmp_path, analyst):
    org.raw_retention_days = 30
    org.save()
    clean = _snapshot(ingest(org, write_csv(tmp_path / "a.csv", ROWS)))

    def crash(*args, **kwargs):
        raise RuntimeError("worker lost power")  # after the counts were inserted

    with mock.patch("data_hub.services._store_provenance", side_effect=crash):
        extract = ingest(org, write_csv(tmp_path / "b.csv", ROWS), actor=analyst)

    assert extract.status == Extract.Status.FAILED
    assert extract.job.status == Job.Status.FAILED
    assert (
        "internal error" in extract.job.message and "worker lost power" not in extract.job.message
    )
    assert not StratifiedCount.objects.filter(extract=extract).exists()  # rolled back
    assert storage.absolute(extract.raw_path).exists()  # kept for the retry

    services.extract_retry(extract=extract, actor=analyst)
    services.extract_process(job_id=extract.job_id)
    extract.refresh_from_db()

    assert extract.status == Extract.Status.PROCESSED
    assert _snapshot(extract) == clean


@pytest.mark.django_db
def test_a_redelivered_message_takes_over_a_job_left_running(org, measures, tmp_path):
    extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))
    Job.objects.filter(pk=extract.job_id).update(status=Job.Status.RUNNING)
    Extract.objects.filter(pk=extract.pk).update(raw_deleted_at=None)
    assert not job_claim(job_id=extract.job_id)  # a plain duplicate is refused

    with mock.patch("data_hub.services._process") as process:
        services.extract_process(job_id=extract.job_id, take_over=True)
    process.assert_called_once()


@pytest.mark.django_db
def test_failed_job_page_says_why_and_retry_requeues(org, measures, tmp_path, member_client):
    client = member_client(org, "analyst")
    with mock.patch("data_hub.engine.stratify", side_effect=ValueError("boom")):
        extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS), actor=client.user)
    url = reverse("data_hub:extract_detail", args=[org.slug, extract.pk])

    page = client.get(url).content.decode()
    assert "Processing stopped because of an internal error" in page
    assert "boom" not in page
    assert reverse("data_hub:extract_retry", args=[org.slug, extract.pk]) in page

    with mock.patch("data_hub.tasks.process_extract.delay") as delay:
        response = client.post(reverse("data_hub:extract_retry", args=[org.slug, extract.pk]))
    assert response.status_code == 302
    extract.refresh_from_db()
    assert extract.job.status == Job.Status.QUEUED and extract.status == Extract.Status.QUEUED
    delay.assert_not_called()  # enqueued on commit; the test transaction never commits


@pytest.mark.django_db
def test_progress_is_written_outside_the_final_transaction(org, measures, tmp_path):
    seen = []
    real_progress = services.job_progress

    def spy(**kwargs):
        seen.append((kwargs["phase"], connection.in_atomic_block and connection.savepoint_ids))
        return real_progress(**kwargs)

    with mock.patch("data_hub.services.job_progress", side_effect=spy):
        extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))

    phases = [phase for phase, _ in seen]
    assert phases[0] == "reading" and {"validating", "aggregating", "saving"} <= set(phases)
    assert all(not inside for _, inside in seen)  # never inside the results transaction
    assert extract.job.percent == 100 and extract.job.phase == "done"
    assert extract.job.rows_done == 60


@pytest.mark.django_db
def test_progress_fragment_polls_until_done(org, measures, tmp_path, member_client):
    client = member_client(org, "analyst")
    extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))
    Job.objects.filter(pk=extract.job_id).update(
        status=Job.Status.RUNNING, percent=40, phase="validating"
    )
    url = reverse("core:job_status", args=[org.slug, extract.job_id])

    running = client.get(url).content.decode()
    Job.objects.filter(pk=extract.job_id).update(status=Job.Status.SUCCEEDED, percent=100)
    done = client.get(url, headers={"HX-Request": "true"})

    assert 'hx-trigger="every 1s"' in running and "validating" in running
    assert done["HX-Refresh"] == "true" and 'data-status="succeeded"' in done.content.decode()


@pytest.mark.django_db
def test_raw_file_is_deleted_after_processing(org, measures, tmp_path):
    extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))

    assert extract.raw_deleted_at is not None
    assert not storage.absolute(extract.raw_path).exists()
    assert storage.absolute(extract.parquet_path).exists()


@pytest.mark.django_db
def test_raw_file_is_kept_for_the_retention_period_then_purged(org, measures, tmp_path):
    org.raw_retention_days = 7
    org.save()
    extract = ingest(org, write_csv(tmp_path / "e.csv", ROWS))
    assert extract.raw_deleted_at is None and storage.absolute(extract.raw_path).exists()

    Extract.objects.filter(pk=extract.pk).update(raw_delete_after=extract.created_at)
    assert services.extracts_purge_raw() == 1
    assert not storage.absolute(extract.raw_path).exists()
