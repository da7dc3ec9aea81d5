"""Issue 17: the one validation pass materializes the normalized rows, their text columns as
ENUM types, so that grouping, the value-map joins and the Parquet writer's dictionaries work on
small integers. None of that may show: the file holds text spelled exactly as the extract
spelled it, the one-pass and the full validation paths give the same rows, and re-stratifying
from the file gives the counts the ingest gave."""

import duckdb
import pytest

from data_hub import services, storage
from data_hub.models import Extract, StratifiedCount
from data_hub.quality.models import QualityCount
from tests.data_hub.factories import HEADERS, ingest, row, write_csv

pytestmark = pytest.mark.django_db

FLAG_HEADERS = [*HEADERS, "food_screened", "food_positive"]
# Race spellings a value map would have to match: quotes, accents, padding, case.
SPELLINGS = ["White", 'O\'Brien "quoted"', "Ñandú", "  padded  ", "white"]
SITES = ["St. Mary's", "North"]
TEXT_COLUMNS = (
    "pid",
    "measure",
    "granularity",
    "period_label",
    "race",
    "ethnicity",
    "language",
    "sex",
    "payer",
    "site",
    "age_band",
)


def _rows() -> list[list[str]]:
    rows = []
    for i in range(60):
        base = row(
            f"TEST-{i}",
            measure=("A1C", "BP")[i % 2],
            period=("2025-Q1", "2025-Q2")[i % 3 % 2],
            num=str(i % 2),
            race=SPELLINGS[i % len(SPELLINGS)],
            site=SITES[i % 2],
            age=("", "15", "40", "80")[i % 4],
        )
        rows.append([*base, ("Y", "N", "")[i % 3], ("Y", "")[i % 2]])
    return rows


def _file_rows(extract: Extract) -> list[tuple]:
    path = storage.absolute(extract.parquet_path)
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY ALL").fetchall()


def _counts(extract: Extract) -> set[tuple]:
    return set(
        StratifiedCount.objects.filter(extract=extract).values_list(
            "measure__code", "period_label", "dimension", "group", "numerator", "denominator"
        )
    )


def _quality(extract: Extract) -> set[tuple]:
    return set(
        QualityCount.objects.filter(extract=extract).values_list(
            "period_label", "site", "dimension", "group", "patients"
        )
    )


def test_the_file_holds_text_spelled_as_in_the_extract(org, measures, tmp_path):
    extract = ingest(org, write_csv(tmp_path / "e.csv", _rows(), headers=FLAG_HEADERS))
    assert extract.status == Extract.Status.PROCESSED
    path = storage.absolute(extract.parquet_path)
    described = duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert {column: types[column] for column in TEXT_COLUMNS} == dict.fromkeys(
        TEXT_COLUMNS, "VARCHAR"
    )

    def distinct(column):
        sql = f"SELECT DISTINCT {column} FROM read_parquet('{path}')"
        return {value for (value,) in duckdb.sql(sql).fetchall()}

    assert distinct("race") == set(SPELLINGS)
    assert distinct("site") == set(SITES)
    assert distinct("age_band") == {"Unknown", "0-17", "35-49", "75+"}
    assert distinct("measure") == {"A1C", "BP", "sdoh_food_screening", "sdoh_food_positive"}


def test_the_one_pass_and_the_full_validation_give_the_same_rows(org, measures, tmp_path):
    org.reject_tolerance_percent = 50
    org.save()
    clean = ingest(org, write_csv(tmp_path / "clean.csv", _rows(), headers=FLAG_HEADERS))
    # Last, so that every other row keeps its row number: numerator above denominator.
    broken = [*row("TEST-99", num="3", den="1", race="Martian"), "Y", "Y"]
    rejected = ingest(
        org, write_csv(tmp_path / "one-bad.csv", [*_rows(), broken], headers=FLAG_HEADERS)
    )
    assert (clean.status, rejected.status) == (Extract.Status.PROCESSED,) * 2
    assert (clean.rows_rejected, rejected.rows_rejected) == (0, 1)

    assert _file_rows(rejected) == _file_rows(clean)
    assert _counts(rejected) == _counts(clean)
    assert _quality(rejected) == _quality(clean)


def test_restratifying_from_the_file_gives_the_counts_the_ingest_gave(
    org, measures, tmp_path, analyst
):
    extract = ingest(org, write_csv(tmp_path / "e.csv", _rows(), headers=FLAG_HEADERS))
    counts, quality = _counts(extract), _quality(extract)
    assert {group for _, _, dimension, group, _, _ in counts if dimension == "site"} == set(SITES)

    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)

    assert _counts(extract) == counts
    assert _quality(extract) == quality
