"""Data-quality completeness and category distribution."""

import math

import pandas as pd
import pytest

from equity_stats import DECLINED, UNKNOWN, category_distribution, data_quality


def frame():
    return pd.DataFrame(
        {
            "dimension": ["race"] * 5 + ["language"] * 3,
            "site": ["North"] * 4 + ["South"] + ["North"] * 3,
            "period_start": "2024-01-01",
            "group": ["White", "Black", UNKNOWN, DECLINED, "White", "English", "Spanish", UNKNOWN],
            "denominator": [500, 300, 150, 50, 0, 700, 200, 100],
        }
    )


def test_percent_known_unknown_declined():
    out = data_quality(frame()).set_index(["dimension", "site"])
    north = out.loc[("race", "North")]
    # total 1000: known 800, unknown 150, declined 50
    assert (north["total"], north["known"], north["unknown"], north["declined"]) == (
        1000,
        800,
        150,
        50,
    )
    assert north["percent_known"] == pytest.approx(80.0)
    assert north["percent_unknown"] == pytest.approx(15.0)
    assert north["percent_declined"] == pytest.approx(5.0)
    lang = out.loc[("language", "North")]
    assert lang["percent_unknown"] == pytest.approx(10.0)
    assert lang["percent_declined"] == 0.0
    south = out.loc[("race", "South")]
    assert math.isnan(south["percent_known"])  # total 0


def test_custom_and_empty_by():
    out = data_quality(frame(), by=("dimension",))
    assert out["dimension"].tolist() == ["language", "race"]
    overall = data_quality(frame(), by=())
    assert len(overall) == 1
    assert overall["percent_unknown"].iloc[0] == pytest.approx(100 * 250 / 2000)


def test_category_distribution():
    out = category_distribution(frame(), by=("dimension",))
    race = out[out["dimension"] == "race"].set_index("group")
    assert race.loc["White", "count"] == 500
    assert race.loc["White", "percent"] == pytest.approx(50.0)
    assert race.loc[DECLINED, "percent"] == pytest.approx(5.0)
    assert race["percent"].sum() == pytest.approx(100.0)
