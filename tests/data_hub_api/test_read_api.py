"""The read API other apps use: tables, series across extracts, baselines, disparities."""

import json
from datetime import date, timedelta

import pandas as pd
import pytest
from django.utils import timezone

import equity_stats
from data_hub import api
from tests.data_hub_results.factories import (
    LABELS,
    Q1,
    Q2,
    RACE_Q1,
    RACE_Q2,
    ExtractFactory,
    MeasureFactory,
    ProvenanceFactory,
    add_counts,
    fixture_extract,
    publish,
)

pytestmark = pytest.mark.django_db

Q3 = date(2025, 7, 1)
LABELS.setdefault(Q3, "2025-Q3")
WHITE, BLACK, AIAN = "White", "Black or African American", "American Indian or Alaska Native"


def _extract(org, name, processed_at):
    extract = ExtractFactory(organization=org, original_name=name, processed_at=processed_at)
    ProvenanceFactory(extract=extract)
    return extract


def _shift(cells, extra):
    """Same groups, every numerator `extra` higher (stays within the denominator)."""
    return {g: (min(x + extra, n), n) for g, (x, n) in cells.items()}


def test_group_results_match_equity_stats(org):
    extract, (measure,) = fixture_extract(org)
    table = api.group_results(org, "screen", "race_ethnicity")
    assert table.period_start == Q2 and table.provenance.extract_id == extract.pk
    assert table.dimension_label == "Race and ethnicity"
    assert table.direction == "higher"
    frame = pd.DataFrame(
        [{"t": 1, "group": g, "numerator": x, "denominator": n} for g, (x, n) in RACE_Q2.items()]
    )
    expected = equity_stats.stratify(frame, direction="higher_is_better", table_keys=["t"])
    expected = {r["group"]: r for r in expected.to_dict("records")}
    assert {r.group for r in table.rows} == set(RACE_Q2)
    for row in table.rows:
        e = expected[row.group]
        assert row.suppressed == bool(e["suppressed"])
        if row.suppressed:
            assert row.numerator is None and row.rate is None and row.difference is None
            continue
        assert row.numerator == RACE_Q2[row.group][0]
        assert row.rate == pytest.approx(e["rate"])
        assert row.rate_lower == pytest.approx(e["rate_lower"])
    assert table.reference_group == WHITE
    assert table.row(WHITE).is_reference
    black = table.row(BLACK)
    assert black.difference == pytest.approx(expected[BLACK]["difference"])
    assert black.ratio == pytest.approx(expected[BLACK]["ratio"])
    assert black.significant is True
    # Suppressed: AIAN (primary) and Unknown (complementary) carry no numbers.
    assert table.row(AIAN).suppressed and table.row("Unknown").suppressed
    assert table.summary["groups_compared"] == 4


def test_group_results_of_a_given_period_and_unknown_inputs(org):
    fixture_extract(org)
    assert api.group_results(org, "screen", "race_ethnicity", period=Q1).period_label == "2025-Q1"
    assert api.group_results(org, "screen", "race_ethnicity", period=Q3) is None
    assert api.group_results(org, "nope", "race_ethnicity") is None
    assert api.group_results(org, "screen", "payer") is None


def test_series_across_two_overlapping_extracts_takes_the_latest_processed(org):
    measure = MeasureFactory(organization=org, code="screen")
    now = timezone.now()
    older = _extract(org, "jan-jun.csv", now - timedelta(days=30))
    newer = _extract(org, "apr-sep.csv", now)
    add_counts(older, measure, Q1, "race_ethnicity", RACE_Q1)
    add_counts(older, measure, Q2, "race_ethnicity", RACE_Q2)
    # The newer extract restates Q2 (corrected numerators) and adds Q3.
    add_counts(newer, measure, Q2, "race_ethnicity", _shift(RACE_Q2, 20))
    add_counts(newer, measure, Q3, "race_ethnicity", RACE_Q2)
    publish(older)
    publish(newer)

    series = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE)
    assert [p.period_start for p in series.points] == [Q1, Q2, Q3]
    assert [p.extract_id for p in series.points] == [older.pk, newer.pk, newer.pk]
    q2 = series.points[1]
    assert q2.numerator == RACE_Q2[BLACK][0] + 20
    assert q2.provenance.extract_name == "apr-sep.csv"
    assert q2.reference_numerator == RACE_Q2[WHITE][0] + 20
    # The gap is on adverse rates: Black screens less, so fares worse (positive).
    a_black = 1 - q2.rate
    a_white = 1 - q2.reference_rate
    assert q2.difference == pytest.approx(a_black - a_white)
    assert q2.ratio == pytest.approx(a_black / a_white)
    assert q2.difference_lower < q2.difference < q2.difference_upper

    # Which extract is "latest" follows processing time, not upload order.
    older.processed_at = now + timedelta(days=1)
    older.save()
    series = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE)
    assert [p.extract_id for p in series.points] == [older.pk, older.pk, newer.pk]


def test_series_reference_is_the_callers_even_when_not_the_largest(org):
    fixture_extract(org)
    series = api.measure_series(org, "screen", "race_ethnicity", WHITE, "Hispanic or Latino")
    assert series.reference_group == "Hispanic or Latino"
    for point in series.points:
        assert (
            point.reference_numerator
            == {Q1: RACE_Q1, Q2: RACE_Q2}[point.period_start]["Hispanic or Latino"][0]
        )
        assert point.difference is not None


def test_suppressed_points_have_no_numbers(org):
    fixture_extract(org)
    # AIAN: Q1 20 of 25 (5 not screened: a small complement), Q2 5 of 8: both suppressed.
    series = api.measure_series(org, "screen", "race_ethnicity", AIAN, WHITE)
    assert len(series.points) == 2
    for point in series.points:
        assert point.suppressed is True
        assert point.numerator is None and point.denominator is None and point.rate is None
        assert point.rate_lower is None and point.rate_upper is None
        assert point.difference is None and point.ratio is None
        assert point.reference_suppressed is False and point.reference_rate is not None
    # With a suppressed reference, the gap is gone too.
    series = api.measure_series(org, "screen", "race_ethnicity", WHITE, AIAN)
    for point in series.points:
        assert point.reference_suppressed and point.reference_rate is None
        assert point.difference is None and point.difference_lower is None
        assert point.rate is not None


def test_baseline_snapshot_round_trips_and_does_not_move(org):
    extract, (measure,) = fixture_extract(org)
    snap = api.baseline_snapshot(org, "screen", "race_ethnicity", BLACK, WHITE, period=Q1)
    assert snap.period_start == Q1 and snap.extract_id == extract.pk
    stored = json.loads(json.dumps(snap.as_dict()))
    assert api.BaselineSnapshot.from_dict(stored) == snap
    # A later extract restating Q1 changes the series, never the stored snapshot.
    later = _extract(org, "restated.csv", timezone.now() + timedelta(days=1))
    add_counts(later, measure, Q1, "race_ethnicity", _shift(RACE_Q1, 30))
    publish(later)
    restated = api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE).points[0]
    assert restated.numerator == RACE_Q1[BLACK][0] + 30 and restated.extract_id == later.pk
    assert api.BaselineSnapshot.from_dict(stored).numerator == RACE_Q1[BLACK][0]
    assert api.baseline_snapshot(org, "screen", "race_ethnicity", BLACK, WHITE, period=Q3) is None


def test_disparities_have_stable_keys_and_respect_filters(org):
    fixture_extract(org, measures=2)
    found = api.disparities(org)
    assert found and all(d.significant and d.difference > 0 for d in found)
    assert [d.difference for d in found] == sorted((d.difference for d in found), reverse=True)
    keys = [str(d.key) for d in found]
    assert len(set(keys)) == len(keys)
    assert f"screen|race_ethnicity|{BLACK}" in keys
    black = next(d for d in found if str(d.key) == f"screen|race_ethnicity|{BLACK}")
    assert black.reference_group == WHITE
    assert black.reference_rate == pytest.approx(RACE_Q2[WHITE][0] / RACE_Q2[WHITE][1])
    assert black.dimension_label == "Race and ethnicity"
    assert api.DisparityKey.parse(str(black.key)) == black.key
    only = api.disparities(org, measure="screen", dimension="race_ethnicity", limit=1)
    assert len(only) == 1 and only[0].key.measure == "screen"
    by_excess = api.disparities(org, order="excess")
    assert [d.excess_events for d in by_excess] == sorted(
        (d.excess_events for d in by_excess), reverse=True
    )


def test_helpers(org, other_org):
    fixture_extract(org, measures=2)
    MeasureFactory(organization=org, code="nodata")
    assert api.measure_choices(org) == [("readmit", "Readmit rate"), ("screen", "Screen rate")]
    assert api.measure_choices(other_org) == []
    assert api.dimension_label("race_ethnicity x language") == "Race and ethnicity x Language"
    url = api.explorer_url(org, "screen", "race_ethnicity x language", group="White x English")
    assert url.startswith(f"/o/{org.slug}/") and "highlight=White+x+English" in url


def test_other_organizations_results_are_not_read(org, other_org):
    fixture_extract(other_org)
    assert api.group_results(org, "screen", "race_ethnicity") is None
    assert api.measure_series(org, "screen", "race_ethnicity", BLACK, WHITE).points == ()
    assert api.disparities(org) == []
