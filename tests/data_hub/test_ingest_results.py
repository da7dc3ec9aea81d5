"""Stored counts: dimensions, intersections, periods, exclusions, wide format, social needs."""

import datetime

import pytest

from data_hub.engine import parse_period
from data_hub.models import StratifiedCount
from tests.data_hub.factories import counts, ingest, row, write_csv


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-Q3", (datetime.date(2025, 7, 1), "quarter", "2025-Q3")),
        ("2025 q3", (datetime.date(2025, 7, 1), "quarter", "2025-Q3")),
        ("Q3 2025", (datetime.date(2025, 7, 1), "quarter", "2025-Q3")),
        ("2025-07", (datetime.date(2025, 7, 1), "month", "2025-07")),
        ("2025", (datetime.date(2025, 1, 1), "year", "2025")),
        ("2025-07-19", (datetime.date(2025, 7, 1), "month", "2025-07")),
        ("07/19/2025", (datetime.date(2025, 7, 1), "month", "2025-07")),
        ("2025-13", None),
        ("soon", None),
    ],
)
def test_periods_are_normalized(raw, expected):
    assert parse_period(raw) == expected


def test_dates_can_be_grouped_by_quarter():
    assert parse_period("2025-08-02", "quarter") == (
        datetime.date(2025, 7, 1),
        "quarter",
        "2025-Q3",
    )


@pytest.mark.django_db
def test_dimensions_and_intersections_are_named_as_specified(org, measures, tmp_path):
    rows = [
        row("TEST-1", race="White", lang="English", age="30", payer="Medicaid"),
        row("TEST-2", race="Asian", lang="Vietnamese", age="70", num="0", payer="BCBS"),
    ]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))

    dimensions = set(extract.counts.values_list("dimension", flat=True))
    assert {
        "all",
        "race",
        "ethnicity",
        "race_ethnicity",
        "language",
        "sex",
        "age_band",
        "payer",
        "site",
        "race_ethnicity x language",
        "race_ethnicity x sex",
        "race_ethnicity x age_band",
        "race_ethnicity x payer",
    } == dimensions
    assert counts(extract, "race_ethnicity x language")[
        ("A1C", "2025-Q1", "Asian x Vietnamese")
    ] == (0, 1)
    assert counts(extract, "age_band")[("A1C", "2025-Q1", "65-74")] == (0, 1)
    assert counts(extract, "payer")[("A1C", "2025-Q1", "Commercial")] == (0, 1)
    assert counts(extract, "all")[("A1C", "2025-Q1", "All patients")] == (1, 2)
    cell = extract.counts.get(dimension="race", group="White")
    assert (cell.period_start, cell.granularity) == (datetime.date(2025, 1, 1), "quarter")


@pytest.mark.django_db
def test_counts_and_exclusions(org, measures, tmp_path):
    headers = ["Patient ID", "Metric", "Period", "Met", "Eligible", "Exclusion", "Race"]
    rows = [
        ["TEST-1", "A1C", "2025-07", "3", "4", "N", "White"],
        ["TEST-2", "A1C", "2025-07", "1", "", "", "White"],
        ["TEST-3", "A1C", "2025-07", "1", "1", "Y", "White"],
    ]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows, headers=headers))

    assert extract.rows_excluded == 1
    assert counts(extract, "race")[("A1C", "2025-07", "White")] == (4, 5)


@pytest.mark.django_db
def test_age_band_from_birth_date_at_period_start(org, measures, tmp_path):
    headers = ["MRN", "Measure", "Period", "Numerator", "DOB"]
    rows = [
        ["TEST-1", "A1C", "2025-Q1", "1", "2007-01-02"],
        ["TEST-2", "A1C", "2025-Q1", "1", "01/01/1950"],
    ]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows, headers=headers))

    bands = counts(extract, "age_band")
    assert bands[("A1C", "2025-Q1", "0-17")] == (1, 1)  # 17 on 2025-01-01
    assert bands[("A1C", "2025-Q1", "75+")] == (1, 1)


@pytest.mark.django_db
def test_wide_format_one_column_per_measure(org, measures, tmp_path):
    headers = ["MRN", "Period", "HbA1c control", "BP", "Race"]
    rows = [
        ["TEST-1", "2025-Q1", "1", "0", "White"],
        ["TEST-2", "2025-Q1", "0", "", "White"],  # not in the BP denominator
        ["TEST-3", "2025-Q1", "Y", "1", "Black"],
    ]
    config = {
        "format": "wide",
        "columns": {
            "MRN": "patient_id",
            "Period": "period",
            "HbA1c control": "measure:A1C",
            "BP": "measure:BP",
            "Race": "race",
        },
    }

    extract = ingest(org, write_csv(tmp_path / "wide.csv", rows, headers=headers), config=config)

    assert extract.status == "processed", extract.job.message
    race = counts(extract, "race")
    assert race[("A1C", "2025-Q1", "White")] == (1, 2)
    assert race[("BP", "2025-Q1", "White")] == (0, 1)
    assert race[("BP", "2025-Q1", "Black or African American")] == (1, 1)


@pytest.mark.django_db
def test_social_needs_become_screening_and_positive_rate_measures(org, measures, tmp_path):
    headers = ["MRN", "Measure", "Period", "Numerator", "food_screened", "food_positive"]
    rows = [
        ["TEST-1", "A1C", "2025-Q1", "1", "Y", "Y"],
        ["TEST-1", "BP", "2025-Q1", "1", "Y", "Y"],  # same patient-period: counted once
        ["TEST-2", "A1C", "2025-Q1", "1", "Y", "N"],
        ["TEST-3", "A1C", "2025-Q1", "0", "N", ""],
    ]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows, headers=headers))

    total = counts(extract, "all")
    assert total[("sdoh_food_screening", "2025-Q1", "All patients")] == (2, 3)
    assert total[("sdoh_food_positive", "2025-Q1", "All patients")] == (1, 2)
    measure = StratifiedCount.objects.filter(measure__code="sdoh_food_positive").first().measure
    assert measure.direction == "lower_is_better" and measure.category == "social_need"
