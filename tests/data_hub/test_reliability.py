"""Issue 15 in the data hub: one active job per extract (item 2), quality as its own job and
`ingest_extract --sync` computing it (item 3), raw files at rest (item 6), UTF-16 without a
BOM, a wide XLSX <dimension>, a short message for a bad mapping import (item 7), and the
extract failing with its job so that it can be retried or discarded (item 1)."""

import io
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from data_hub import services
from data_hub.mapping import suggest
from data_hub.models import Extract
from data_hub.quality.models import QualityCount
from equity_portal.core import jobs
from equity_portal.core.jobs import job_claim, job_create, jobs_recover_stale
from equity_portal.core.models import AuditEvent, Job
from equity_portal.core.roles import Role
from tests.bad_inputs.generate import HEADER, ROW, _csv, wide_dimension
from tests.data_hub.factories import MeasureFactory, ingest, row, upload_file, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def extract(org, tmp_path):
    MeasureFactory(organization=org, code="A1C")
    return upload_file(org, write_csv(tmp_path / "e.csv", [row(f"TEST-{i}") for i in range(5)]))


def _map(extract):
    config = {"format": "long", "columns": suggest(extract.headers), "date_period": "month"}
    with transaction.atomic():
        return services.extract_map_columns(
            extract=extract, config=config, actor=None, enqueue=False
        )


# -- item 2 ---------------------------------------------------------------------------------


def test_the_database_refuses_a_second_active_job_for_one_extract(org, extract):
    job_create(
        organization=org, kind="a", created_by=None, object_type="data_hub.extract", object_id=1
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        job_create(
            organization=org,
            kind="b",
            created_by=None,
            object_type="data_hub.extract",
            object_id=1,
        )


def test_a_second_mapping_submission_answers_with_the_running_job(org, extract):
    first = _map(extract)
    second = _map(Extract.objects.get(pk=extract.pk))  # the double click
    assert second.job_id == first.job_id
    assert Job.objects.filter(kind=services.PROCESS_JOB).count() == 1


def test_a_double_clicked_mapping_form_shows_the_running_job(org, extract, member_client):
    client = member_client(org, Role.ANALYST)
    url = reverse("data_hub:extract_mapping", args=[org.slug, extract.pk])
    form = client.get(url).context["form"]
    post = {name: field.initial for name, field in form.fields.items()}
    post.update({k: v for k, v in form.initial.items() if v is not None})
    post["save_as"] = ""

    first = client.post(url, post)
    second = client.post(url, post, follow=True)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "Processing has already started" in second.content.decode()
    assert Job.objects.filter(kind=services.PROCESS_JOB).count() == 1


# -- item 1 in the data hub ------------------------------------------------------------------


def test_an_extract_whose_job_the_core_gave_up_on_can_be_retried_or_discarded(
    org, extract, settings
):
    settings.JOB_STALE_SECONDS = 60
    settings.JOB_MAX_ATTEMPTS = 1
    extract = _map(extract)
    job_claim(job_id=extract.job_id)
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.PROCESSING)
    Job.objects.filter(pk=extract.job_id).update(heartbeat_at=timezone.now() - timedelta(minutes=5))

    assert jobs_recover_stale()["failed"] == 1

    extract.refresh_from_db()
    assert extract.status == Extract.Status.FAILED
    with transaction.atomic():
        services.extract_retry(extract=extract, actor=None)
    extract.refresh_from_db()
    assert extract.status == Extract.Status.QUEUED and extract.job.status == Job.Status.QUEUED
    services.extract_process(job_id=extract.job_id)
    extract.refresh_from_db()
    assert extract.status == Extract.Status.PROCESSED


def test_a_stale_job_is_requeued_and_finishes_with_no_duplicate(org, extract, settings):
    settings.JOB_STALE_SECONDS = 60
    org.raw_retention_days = 1  # keep the raw file so that the job can run again
    org.save()
    extract = _map(extract)
    services.extract_process(job_id=extract.job_id)  # the uninterrupted run
    expected = sorted(extract.counts.values_list("dimension", "group", "numerator"))
    # The same job, left "running" by a worker that died just before it finished.
    Job.objects.filter(pk=extract.job_id).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.PROCESSING)

    with mock.patch.object(jobs, "_send") as send:
        assert jobs_recover_stale()["requeued"] == 1
    send.assert_called_once()
    services.extract_process(job_id=extract.job_id)  # what the new worker does

    extract.refresh_from_db()
    assert extract.status == Extract.Status.PROCESSED
    assert sorted(extract.counts.values_list("dimension", "group", "numerator")) == expected
    assert Job.objects.get(pk=extract.job_id).attempts == 2


# -- item 3 ---------------------------------------------------------------------------------


def test_ingest_sync_computes_quality_too(org, tmp_path):
    MeasureFactory(organization=org, code="A1C")
    path = write_csv(tmp_path / "e.csv", [row(f"TEST-{i}") for i in range(12)])
    out = io.StringIO()
    with scope():  # scoping on, as in a real process (the tests turn it off)
        call_command("ingest_extract", "--org", org.slug, "--sync", str(path), stdout=out)
    extract = Extract.objects.get(organization=org)
    assert extract.status == Extract.Status.PROCESSED
    assert QualityCount.objects.filter(extract=extract).exists()
    # The command says what small-cell protection hid and that the audit passed.
    assert "small-cell protection:" in out.getvalue() and "audit passed" in out.getvalue()
    # In the processing job itself: no job of its own to wait for.
    assert not Job.objects.filter(kind__startswith="data_quality").exists()
    assert Job.objects.get(pk=extract.job_id).status == Job.Status.SUCCEEDED


# -- item 6 ---------------------------------------------------------------------------------


def test_an_unprocessed_upload_is_deleted_after_raw_upload_max_hours(org, extract, settings):
    path = services.storage.absolute(extract.raw_path)
    assert path.exists()
    assert extract.raw_delete_after - timezone.now() > timedelta(hours=71)
    Extract.objects.filter(pk=extract.pk).update(
        raw_delete_after=timezone.now() - timedelta(minutes=1)
    )

    from data_hub.tasks import purge_raw_uploads

    assert purge_raw_uploads() == 1

    extract.refresh_from_db()
    assert extract.raw_deleted_at is not None and not path.exists()
    assert AuditEvent.objects.filter(action="extract.raw_purged", object_id=str(extract.pk))


def test_a_file_being_processed_is_not_purged(org, extract):
    Extract.objects.filter(pk=extract.pk).update(
        status=Extract.Status.PROCESSING, raw_delete_after=timezone.now() - timedelta(hours=1)
    )
    assert services.extracts_purge_raw() == 0


def test_the_pages_say_when_the_raw_file_will_be_deleted(org, extract, member_client):
    client = member_client(org, Role.ANALYST)
    when = timezone.localtime(extract.raw_delete_after).strftime("%Y-%m-%d %H:%M")
    for name in ("extract_detail", "extract_mapping"):
        page = client.get(reverse(f"data_hub:{name}", args=[org.slug, extract.pk]))
        assert f"will be deleted on {when}" in page.content.decode()


def test_the_upload_request_only_stores_the_file(org, member_client, tmp_path):
    client = member_client(org, Role.ANALYST)
    with open(write_csv(tmp_path / "e.csv", [row("TEST-1")]), "rb") as handle:
        response = client.post(reverse("data_hub:upload", args=[org.slug]), {"file": handle})
    extract = Extract.objects.get()
    assert response.status_code == 302
    # Not read yet: no headers; the worker's inspect job is queued.
    assert extract.status == Extract.Status.INSPECTING and extract.headers == []
    assert extract.job.kind == services.INSPECT_JOB and extract.job.status == Job.Status.QUEUED
    page = client.get(response.url)
    assert "The file is being read" in page.content.decode()
    assert f'id="job-{extract.job_id}"' in page.content.decode()


# -- item 7 ---------------------------------------------------------------------------------


def test_utf16_without_a_byte_order_mark_is_read(org):
    MeasureFactory(organization=org, code="A1C")
    content = _csv([HEADER, ROW, ["TEST-2", "A1C", "2025-Q1", "0", "1", "Black", "Español"]])
    extract = services.extract_upload(
        organization=org,
        uploaded_file=SimpleUploadedFile("u.csv", content.encode("utf-16-le")),
        actor=None,
    )
    assert extract.encoding == "utf-16-le" and extract.headers == HEADER
    assert services.extract_preview(extract=extract)[1][6] == "Español"


def test_an_xlsx_whose_dimension_is_wider_than_its_data_is_read(org, tmp_path):
    extract = services.extract_upload(
        organization=org,
        uploaded_file=SimpleUploadedFile("w.xlsx", wide_dimension()),
        actor=None,
    )
    assert extract.headers == HEADER


def test_a_bad_mapping_import_gets_a_short_message(org):
    payload = json.dumps({"columns": {f"c{i}": "nonsense" for i in range(400)}})
    with pytest.raises(ValidationError) as error:
        services.column_mapping_import(organization=org, name="x", payload=payload, actor=None)
    text = " ".join(error.value.messages)
    assert len(text) < 1500 and "more problems" in text


def test_a_mapping_import_naming_too_many_columns_is_refused(org):
    payload = json.dumps({"columns": {f"c{i}": "race" for i in range(20_000)}})
    with pytest.raises(ValidationError) as error:
        services.column_mapping_import(organization=org, name="x", payload=payload, actor=None)
    assert error.value.messages == ["The mapping names 20,000 columns; an extract has at most 500."]


def test_ingest_after_processing_still_purges_expired_files(org, tmp_path):
    MeasureFactory(organization=org, code="A1C")
    extract = ingest(org, write_csv(tmp_path / "e.csv", [row("TEST-1")]))
    assert extract.raw_deleted_at is not None  # no retention configured: deleted at once
