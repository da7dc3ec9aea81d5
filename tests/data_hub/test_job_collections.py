"""Issue 17: a job's Python allocates about a million objects. While it runs, the garbage
collector leaves the objects older than the job alone (Django, pandas, every module) and runs
less often; afterwards, also after a failed job, the worker process collects as before."""

import gc

import pytest

from data_hub import engine, services
from data_hub.models import Extract
from equity_portal.core.models import Job
from tests.data_hub.factories import ingest, row, write_csv

pytestmark = pytest.mark.django_db


def _extract_file(tmp_path):
    return write_csv(tmp_path / "e.csv", [row(f"TEST-{i}") for i in range(30)])


@pytest.fixture
def collector_in_job(monkeypatch):
    """What the collector's settings were while the job normalized its rows."""
    seen: dict = {}
    original = engine.normalize

    def observed(con):
        seen["threshold"] = gc.get_threshold()
        seen["frozen"] = gc.get_freeze_count()
        return original(con)

    monkeypatch.setattr(engine, "normalize", observed)
    return seen


def test_the_job_leaves_older_objects_alone_and_collects_less_often(
    org, measures, tmp_path, collector_in_job
):
    before = gc.get_threshold()
    extract = ingest(org, _extract_file(tmp_path))

    assert extract.status == Extract.Status.PROCESSED
    assert collector_in_job["threshold"] == services.GC_THRESHOLDS_IN_JOB
    assert collector_in_job["frozen"] > 10_000  # Django and every module imported so far
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failed_job_restores_the_collector(org, measures, tmp_path, monkeypatch):
    def broken(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(engine, "normalize", broken)
    before = gc.get_threshold()
    extract = ingest(org, _extract_file(tmp_path))

    assert extract.status == Extract.Status.FAILED
    assert extract.job.status == Job.Status.FAILED
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_what_the_process_froze_itself_stays_frozen(org, measures, tmp_path):
    gc.freeze()  # e.g. a server that freezes before it forks its workers
    try:
        frozen = gc.get_freeze_count()
        extract = ingest(org, _extract_file(tmp_path))
        assert extract.status == Extract.Status.PROCESSED
        # Still frozen (objects freed meanwhile leave the count), not thawed to 0.
        assert gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()


def test_restratifying_stores_with_the_same_collector_settings(
    org, measures, tmp_path, analyst, monkeypatch
):
    extract = ingest(org, _extract_file(tmp_path))
    seen: dict = {}
    original = services._store_results

    def observed(*args, **kwargs):
        seen["threshold"] = gc.get_threshold()
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_store_results", observed)
    before = gc.get_threshold()
    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)

    assert seen["threshold"] == services.GC_THRESHOLDS_IN_JOB
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
