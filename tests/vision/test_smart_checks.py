"""The Achievable checks of an equity-focused SMART goal: undetectable change, beyond the best
group, small groups, and goals that are no improvement."""

from datetime import date

import pytest

from tests.vision.conftest import vurl
from tests.vision.factories import BLACK, CharterFactory, make_goal, make_priority
from vision.smart import implied_focus_rate, smart_warnings

# Higher is better; focus 55% (CI 48-62), reference 75%; gap on adverse rates 0.45 - 0.25.
BASE = {
    "suppressed": False,
    "denominator": 200,
    "rate": 0.55,
    "rate_lower": 0.48,
    "rate_upper": 0.62,
    "reference_rate": 0.75,
    "difference": 0.20,
    "difference_lower": 0.12,
    "difference_upper": 0.28,
    "ratio": 1.8,
    "ratio_lower": 1.4,
    "ratio_upper": 2.3,
}


def codes(**kwargs):
    kwargs.setdefault("direction", "higher")
    kwargs.setdefault("baseline", BASE)
    kwargs.setdefault("best_rate", 0.75)
    return {w.code for w in smart_warnings(**kwargs)}


def test_a_detectable_reachable_rate_target_has_no_warning():
    assert codes(aim="rate", target_value=0.70) == set()


def test_a_rate_change_smaller_than_the_interval_half_width_is_undetectable():
    # half-width 7 points; +5 points is within it, +8 is not.
    assert codes(aim="rate", target_value=0.60) == {"undetectable"}
    assert "undetectable" not in codes(aim="rate", target_value=0.63)


def test_a_rate_target_beyond_the_best_group_is_flagged():
    assert codes(aim="rate", target_value=0.80) == {"beyond_best"}


def test_lower_is_better_reverses_better_and_worse():
    base = dict(BASE, rate=0.30, rate_lower=0.25, rate_upper=0.35, reference_rate=0.20)
    assert (
        codes(aim="rate", target_value=0.22, direction="lower", baseline=base, best_rate=0.2)
        == set()
    )
    assert codes(
        aim="rate", target_value=0.15, direction="lower", baseline=base, best_rate=0.2
    ) == {"beyond_best"}
    assert codes(
        aim="rate", target_value=0.32, direction="lower", baseline=base, best_rate=0.2
    ) == {"not_an_improvement"}


def test_gap_targets_are_checked_against_the_difference_interval():
    # the difference interval's half-width is 8 points: closing 20 -> 15 is undetectable
    assert codes(aim="difference", target_value=0.15) == {"undetectable"}
    assert codes(aim="difference", target_value=0.05) == set()
    assert codes(aim="difference", target_value=0.25) == {"not_an_improvement"}


def test_a_gap_target_that_asks_to_beat_the_best_group_is_flagged():
    # a gap of -10 points at a 75% reference rate implies 85% for the focus group
    assert implied_focus_rate(
        aim="difference", target_value=-0.10, direction="higher", reference_rate=0.75
    ) == pytest.approx(0.85)
    assert "beyond_best" in codes(aim="difference", target_value=-0.10)


def test_ratio_targets():
    assert codes(aim="ratio", target_value=1.1) == set()
    assert codes(aim="ratio", target_value=1.7) == {"undetectable"}
    assert "beyond_best" in codes(aim="ratio", target_value=0.5)


def test_fewer_than_25_patients_per_period_is_flagged():
    assert "small_group" in codes(
        aim="rate", target_value=0.70, baseline=dict(BASE, denominator=24)
    )
    assert "small_group" not in codes(
        aim="rate", target_value=0.70, baseline=dict(BASE, denominator=25)
    )


def test_no_baseline_and_suppressed_baseline():
    assert codes(aim="rate", target_value=0.7, baseline={}) == {"no_baseline"}
    suppressed = {k: None for k in BASE} | {"suppressed": True}
    assert codes(aim="rate", target_value=0.7, baseline=suppressed) == {"suppressed"}


@pytest.mark.django_db
def test_goal_page_shows_the_warnings_of_its_stored_baseline(org, data, member_client):
    charter = CharterFactory(organization=org)
    priority = make_priority(org, BLACK)
    # Black 110/200 against White 300/400 in 2025-Q2; best group 75% (White, Asian).
    undetectable = make_goal(charter, priority, aim="rate", target_value=0.57)
    beyond = make_goal(charter, priority, aim="rate", target_value=0.9, title="Too far")
    fine = make_goal(charter, priority, aim="difference", target_value=0.05, title="Fine")
    client = member_client(org, "champion")

    def warnings_on(goal):
        html = client.get(vurl(org, "goal_detail", pk=goal.pk)).text
        return {
            c
            for c in ("undetectable", "beyond_best", "small_group")
            if f'data-warning="{c}"' in html
        }

    assert warnings_on(undetectable) == {"undetectable"}
    assert warnings_on(beyond) == {"beyond_best"}
    assert warnings_on(fine) == set()
    assert fine.baseline_best_rate == pytest.approx(0.75)
    assert fine.target_date == date(2027, 12, 31)
