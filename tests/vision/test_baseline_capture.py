"""A goal's baseline comes from the data hub's read API: equal to the published row, stored as a
snapshot that later data (a re-stratified or newer extract, a changed reference rule) never
rewrites, refreshable on request with the change shown, against the reference fixed at baseline."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from data_hub import api
from data_hub.models import Measure, StratifiedCount
from equity_portal.core.models import AuditEvent
from tests.data_hub_results.factories import (
    Q2,
    RACE_Q2,
    ExtractFactory,
    ProvenanceFactory,
    add_counts,
    publish,
)
from tests.vision.conftest import vurl
from tests.vision.factories import BLACK, HISPANIC, WHITE, CharterFactory, make_goal, make_priority

pytestmark = pytest.mark.django_db

Q3 = date(2025, 7, 1)


def test_the_baseline_equals_the_published_row(org, data):
    extract, _ = data
    goal = make_goal(CharterFactory(organization=org), make_priority(org, BLACK))
    row = api.group_results(org, "screen", "race_ethnicity").row(BLACK)
    ref = api.group_results(org, "screen", "race_ethnicity").row(WHITE)

    assert (goal.measure, goal.dimension, goal.group, goal.reference_group) == (
        "screen",
        "race_ethnicity",
        BLACK,
        WHITE,
    )
    assert goal.baseline_period_start == Q2 and goal.baseline_period_label == "2025-Q2"
    assert goal.baseline_extract_id == extract.pk
    assert (goal.baseline_numerator, goal.baseline_denominator) == RACE_Q2[BLACK]
    assert (goal.baseline_numerator, goal.baseline_denominator) == (row.numerator, row.denominator)
    assert goal.baseline_rate == row.rate
    assert (goal.baseline_rate_lower, goal.baseline_rate_upper) == (row.rate_lower, row.rate_upper)
    assert goal.baseline_reference_rate == ref.rate
    assert goal.baseline_difference == pytest.approx(row.difference)
    assert goal.baseline_ratio == pytest.approx(row.ratio)
    assert goal.baseline["provenance"]["extract_id"] == extract.pk
    assert goal.baseline["provenance"]["mapping"] == "Epic quality export"
    assert api.BaselineSnapshot.from_dict(goal.baseline).rate == row.rate
    assert goal.direction == "higher" and goal.granularity == "quarter"


def test_a_suppressed_group_has_a_baseline_without_numbers(org, data):
    priority = make_priority(org, BLACK)
    priority.group = "American Indian or Alaska Native"  # below k in 2025-Q2
    goal = make_goal(CharterFactory(organization=org), priority)
    assert goal.baseline_suppressed is True and goal.baseline_period_label == "2025-Q2"
    assert goal.baseline_numerator is None and goal.baseline_rate is None
    assert goal.baseline_difference is None


def _restratify(extract, measure, cells):
    """What a re-stratification does to the published counts: replaced for the extract."""
    StratifiedCount.objects.filter(extract=extract, measure=measure, period_start=Q2).delete()
    add_counts(extract, measure, Q2, "race_ethnicity", cells)
    publish(extract)


def test_the_snapshot_is_unchanged_by_re_stratification(org, data):
    extract, (screen, _readmit) = data
    goal = make_goal(CharterFactory(organization=org), make_priority(org, BLACK))
    stored = dict(goal.baseline)
    rate = goal.baseline_rate

    _restratify(extract, screen, {**RACE_Q2, BLACK: (150, 200)})

    assert api.group_results(org, "screen", "race_ethnicity").row(BLACK).rate == 0.75
    goal.refresh_from_db()
    assert goal.baseline == stored and goal.baseline_rate == rate == 0.55


def test_the_reference_group_is_fixed_at_baseline(org, data):
    priority = make_priority(org, BLACK)
    Measure.objects.filter(organization=org, code="screen").update(
        reference_rule="named", reference_group=HISPANIC
    )
    goal = make_goal(CharterFactory(organization=org), priority)
    assert goal.reference_group == WHITE
    assert goal.baseline["reference_group"] == WHITE
    assert goal.baseline_reference_rate == 0.75


def test_refresh_shows_the_change_then_stores_the_latest_period(org, data, member_client):
    extract, (screen, _readmit) = data
    goal = make_goal(CharterFactory(organization=org), make_priority(org, BLACK))
    newer = ExtractFactory(
        organization=org, original_name="q3.csv", processed_at=timezone.now() + timedelta(days=1)
    )
    ProvenanceFactory(extract=newer)
    add_counts(newer, screen, Q3, "race_ethnicity", {**RACE_Q2, BLACK: (130, 200)})
    publish(newer)
    client = member_client(org, "champion")

    page = client.get(vurl(org, "goal_baseline", pk=goal.pk)).text
    assert "2025-Q2" in page and "65.0%" in page and "55.0%" in page
    goal.refresh_from_db()
    assert goal.baseline_period_start == Q2  # nothing stored by looking

    response = client.post(vurl(org, "goal_baseline", pk=goal.pk))
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.baseline_period_start == Q3 and goal.baseline_extract_id == newer.pk
    assert goal.baseline_rate == 0.65 and goal.reference_group == WHITE
    event = AuditEvent.objects.get(organization=org, action="charter.goal_baseline_refresh")
    assert event.details["before"]["period"] == "2025-Q2"
    assert event.details["after"]["period"] == goal.baseline_period_label
    assert event.details["after"]["extract"] == newer.pk


def test_priority_snapshot_keeps_the_gap_when_chosen_beside_todays(org, data, member_client):
    extract, (screen, _readmit) = data
    priority = make_priority(org, BLACK)
    assert priority.reference_group == WHITE
    assert priority.snapshot["difference"] == pytest.approx(0.20)
    assert priority.snapshot["provenance"]["extract_id"] == extract.pk
    _restratify(extract, screen, {**RACE_Q2, BLACK: (130, 200)})

    page = member_client(org, "champion").get(vurl(org, "priority_detail", pk=priority.pk)).text
    assert '<td class="num" data-col="chosen">+20.0 pp</td>' in page
    assert '<td class="num" data-col="today">+10.0 pp</td>' in page
    assert "highlight=Black" in page  # links back to its explorer view
