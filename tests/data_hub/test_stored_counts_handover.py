"""Issue 17: the job hands the counts it has just stored to disclosure control and to the
publication as frames instead of reading them back from the database. The decisions and
the published results must be exactly those computed from the stored rows."""

import pytest
from django.core.cache import cache
from django.forms.models import model_to_dict

from data_hub import disclosure
from data_hub.models import Extract, ExtractProvenance, PublishedResult, PublishedSummary
from data_hub.results import publishing
from tests.data_hub.factories import ingest, row, write_csv

pytestmark = pytest.mark.django_db

RACES = ("White", "Black or African American", "Asian", "American Indian or Alaska Native")


def _rows() -> list[list[str]]:
    # Many small cells (AIAN, the Spanish speakers, the Declined ethnicities), two periods,
    # so that primary, secondary and cross-period suppression all happen.
    rows = []
    for i in range(160):
        rows.append(
            row(
                f"TEST-{i}",
                measure=("A1C", "BP")[i % 2],
                period=("2025-Q1", "2025-Q2")[i // 80],
                num=str(int(i % 5 < 2)),
                race=RACES[0 if i % 7 < 4 else 1 if i % 7 < 6 else 2 + (i % 13 == 0)],
                eth=("Not Hispanic or Latino", "Hispanic or Latino", "Declined")[
                    0 if i % 11 else 1 + (i % 3 == 0)
                ],
                lang=("English", "Spanish")[i % 17 == 0],
                site=("North", "South ", "East")[i % 3],
                age=str(20 + i % 60),
            )
        )
    return rows


def _published(extract: Extract) -> tuple[list, list]:
    def rows(model):
        return sorted(
            (
                tuple(sorted((k, str(v)) for k, v in model_to_dict(r, exclude=["id"]).items()))
                for r in model.objects.filter(extract=extract)
            ),
        )

    return rows(PublishedResult), rows(PublishedSummary)


def _figures(extract: Extract) -> dict:
    figures = ExtractProvenance.objects.get(extract=extract).disclosure
    return {k: v for k, v in figures.items() if k != "seconds"}


def test_the_job_reads_no_count_back(org, measures, tmp_path, monkeypatch):
    def no_read(*args, **kwargs):
        raise AssertionError("the job read back the counts it had just stored")

    monkeypatch.setattr(disclosure.StoredCounts, "read", no_read)
    monkeypatch.setattr(publishing, "counts_frame", no_read)

    extract = ingest(org, write_csv(tmp_path / "e.csv", _rows()))

    assert extract.status == Extract.Status.PROCESSED
    assert PublishedResult.objects.filter(extract=extract, suppressed=True).exists()


def test_handed_over_counts_decide_and_publish_as_the_stored_rows_do(org, measures, tmp_path):
    extract = ingest(org, write_csv(tmp_path / "e.csv", _rows()))
    handed_over = _published(extract), _figures(extract)
    assert PublishedResult.objects.filter(extract=extract, suppressed=True).exists()
    assert handed_over[1]["secondary"] > 0

    cache.clear()  # decide again, from the database this time
    disclosure.protect_extract(extract=extract)
    publishing.publish_extract(extract=extract)

    assert (_published(extract), _figures(extract)) == handed_over
