"""An upload processed by a real Celery worker process (PostgreSQL + Redis in CI; SQLite and the
filesystem broker on a machine with only Python)."""

import pytest
from django.db import transaction

from data_hub import services
from data_hub.mapping import suggest
from data_hub.models import Extract, StratifiedCount
from equity_portal.core.models import Job
from tests.data_hub.conftest import wait_for
from tests.data_hub.factories import MeasureFactory, row, upload_file, write_csv


@pytest.mark.services
def test_a_real_worker_processes_an_upload(org, celery_worker_process, tmp_path):
    MeasureFactory(organization=org, code="A1C")
    rows = [row(f"TEST-{i:03d}", num=str(i % 2), race=["White", "Black"][i % 2]) for i in range(40)]
    extract = upload_file(org, write_csv(tmp_path / "e.csv", rows))
    config = {"format": "long", "columns": suggest(extract.headers), "date_period": "month"}
    with transaction.atomic():
        services.extract_map_columns(extract=extract, config=config, actor=None)

    def finished():
        return Job.objects.get(pk=extract.job_id).is_finished

    worker_log = tmp_path / "worker.log"
    assert wait_for(finished, timeout=120), worker_log.read_text()[-3000:]
    job = Job.objects.get(pk=extract.job_id)
    extract.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.attempts == 1 and job.percent == 100
    assert extract.status == Extract.Status.PROCESSED and extract.rows_accepted == 40
    white = StratifiedCount.objects.get(extract=extract, dimension="race", group="White")
    assert (white.numerator, white.denominator) == (0, 20)
