"""Issue 17: the job aggregates the normalized rows before they are written, and writes the
Parquet file on its own DuckDB cursor while it stores, protects and publishes the counts. The
file must hold exactly the rows the counts came from, and a failed write must fail the job
with nothing stored."""

import time

import duckdb
import pytest

from data_hub import engine, services, storage
from data_hub.models import Extract, PublishedResult, StratifiedCount
from equity_portal.core.models import Job
from tests.data_hub.factories import ingest, row, write_csv

pytestmark = pytest.mark.django_db

HEADERS = ["MRN", "Measure", "Period", "Numerator", "Race", "food_screened", "food_positive"]


def _rows():
    rows = []
    for i in range(40):
        race = ("White", "Black or African American", "Asian")[i % 3]
        screened = ("Y", "N", "")[i % 3]
        rows.append([f"TEST-{i}", "A1C", "2025-Q1", str(i % 2), race, screened, "Y"])
        rows.append([f"TEST-{i}", "BP", "2025-Q2", "1" if i % 4 == 0 else "0", race, "N", ""])
    return rows


def test_the_parquet_file_holds_the_rows_the_counts_came_from(org, measures, tmp_path):
    extract = ingest(org, write_csv(tmp_path / "e.csv", _rows(), headers=HEADERS))
    assert extract.status == Extract.Status.PROCESSED
    path = storage.absolute(extract.parquet_path)
    assert path.exists() and not path.with_suffix(".parquet.tmp").exists()
    in_file = {
        (measure, label): (int(x), int(n))
        for measure, label, x, n in duckdb.sql(
            f"""SELECT measure, period_label, sum(numerator), sum(denominator)
                FROM read_parquet('{path}') WHERE NOT excluded GROUP BY ALL"""
        ).fetchall()
    }
    stored = {
        (c.measure.code, c.period_label): (c.numerator, c.denominator)
        for c in StratifiedCount.objects.filter(extract=extract, dimension="all").select_related(
            "measure"
        )
    }
    # The accepted rows and the derived social-needs rows, in the file and in the counts.
    assert {m for m, _ in stored} == {"A1C", "BP", "sdoh_food_screening", "sdoh_food_positive"}
    assert in_file == stored
    pids = {p for (p,) in duckdb.sql(f"SELECT DISTINCT pid FROM read_parquet('{path}')").fetchall()}
    assert len(pids) == 40 and not any(p.startswith("TEST-") for p in pids)


@pytest.mark.parametrize("delay", [0.0, 0.5], ids=["at once", "after the counts"])
def test_a_failed_parquet_write_fails_the_job_and_stores_nothing(
    org, measures, tmp_path, monkeypatch, delay
):
    def disk_full(con, parquet_path):
        time.sleep(delay)  # also when the job is already waiting for the file
        parquet_path.with_suffix(".parquet.tmp").write_bytes(b"partial")
        raise OSError("No space left on device")

    monkeypatch.setattr(engine, "write_parquet", disk_full)
    extract = ingest(org, write_csv(tmp_path / "e.csv", [row(f"TEST-{i}") for i in range(30)]))

    assert extract.status == Extract.Status.FAILED
    job = Job.objects.get(pk=extract.job_id)
    assert job.status == Job.Status.FAILED and "Nothing was stored" in job.message
    assert not extract.parquet_path
    assert not StratifiedCount.objects.filter(extract=extract).exists()
    assert not PublishedResult.objects.filter(extract=extract).exists()
    directory = storage.absolute(storage.extract_dir(extract))
    assert not list(directory.glob("*.parquet*"))


def test_a_failure_while_publishing_stops_the_write_and_stores_nothing(
    org, measures, tmp_path, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("publication failed")

    monkeypatch.setattr(services, "_store_results", broken)
    extract = ingest(org, write_csv(tmp_path / "e.csv", [row(f"TEST-{i}") for i in range(30)]))
    assert extract.status == Extract.Status.FAILED
    assert not extract.parquet_path
    assert not StratifiedCount.objects.filter(extract=extract).exists()


@pytest.mark.parametrize(("threshold", "threads"), [(80, 1), (79, engine.THREADS)])
def test_a_file_too_large_to_write_alongside_gets_every_thread(
    org, measures, tmp_path, monkeypatch, threshold, threads
):
    # The 80 rows of the file: one DuckDB thread writes them alongside the Python up to the
    # threshold; past it, every thread (the Python's time no longer covers the write).
    monkeypatch.setattr(engine, "ALONGSIDE_ONE_THREAD_ROWS", threshold)
    seen = []
    original = engine.write_parquet

    def recorded(con, parquet_path):
        seen.append(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
        return original(con, parquet_path)

    monkeypatch.setattr(engine, "write_parquet", recorded)
    extract = ingest(org, write_csv(tmp_path / "e.csv", _rows(), headers=HEADERS))

    assert extract.status == Extract.Status.PROCESSED
    assert seen == [threads]
