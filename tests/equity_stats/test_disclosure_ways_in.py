"""Issue 10: the seven ways an adversary recovered a suppressed count (k = 11), each built
from the issue's numbers. Each test shows the attack working on the old table-by-table
decisions (`suppression_mask` per table, as every module composed it), and that the
publication-wide decisions close it: the attack's input is hidden and the audit passes,
while the same audit flags the old decisions."""

from datetime import date

import pandas as pd
import pytest

from equity_stats import DECLINED, UNKNOWN, suppression_mask
from equity_stats.disclosure import ALL_SITES, audit, build_publication, protect_publication

K = 11
Q1, Q2 = date(2025, 1, 1), date(2025, 4, 1)
TABLE = ["measure", "period_start", "granularity", "dimension"]


def counts(rows, period=Q1):
    """rows: (dimension, group, numerator, denominator)."""
    return pd.DataFrame(
        [("m", period, "quarter", d, g, x, n) for d, g, x, n in rows],
        columns=["measure", "period_start", "granularity", "dimension", "group", "numerator"]
        + ["denominator"],
    )


def old_published(frame):
    """The old decisions: per table, primary + one complement (suppression_mask)."""
    hidden = suppression_mask(frame, k=K, table_keys=TABLE).to_numpy()
    return frame.assign(hidden=hidden)


def shown(published, dimension, group, period=Q1):
    row = published[
        (published["dimension"] == dimension)
        & (published["group"] == group)
        & (published["period_start"] == period)
    ]
    assert len(row) == 1 and not row["hidden"].iloc[0], f"{dimension}={group} is not shown"
    return int(row["numerator"].iloc[0]), int(row["denominator"].iloc[0])


def old_hidden_keys(pub, published):
    """Old decisions in the publication's cells: a cell shown in any table is published."""
    shown_keys = {k for k, h in zip(pub.result_keys, published["hidden"], strict=True) if not h}
    return {k for k in pub.result_keys if k not in shown_keys}


def new_hidden(pub, decisions, frame, dimension, group, period=Q1):
    for key, d, g, p in zip(
        pub.result_keys, frame["dimension"], frame["group"], frame["period_start"], strict=True
    ):
        if (d, g, p) == (dimension, group, period):
            return decisions.is_hidden(key)
    raise AssertionError("no such cell")


ETHNICITY = [
    ("all", "All patients", 215, 343),
    ("ethnicity", "Not Hispanic or Latino", 146, 230),
    ("ethnicity", UNKNOWN, 36, 60),
    ("ethnicity", "Hispanic or Latino", 26, 45),
    ("ethnicity", DECLINED, 7, 8),
]


def test_1_identical_cells_in_two_tables_have_one_decision():
    frame = counts(
        [
            *ETHNICITY,
            ("race_ethnicity", "White", 80, 120),
            ("race_ethnicity", "Black", 40, 70),
            ("race_ethnicity", "Hispanic or Latino", 26, 45),
            ("race_ethnicity", "Asian", 30, 50),
            ("race_ethnicity", UNKNOWN, 39, 58),
        ]
    )
    old = old_published(frame)
    total = shown(old, "all", "All patients")
    not_hispanic = shown(old, "ethnicity", "Not Hispanic or Latino")
    unknown = shown(old, "ethnicity", UNKNOWN)
    hispanic = shown(old, "race_ethnicity", "Hispanic or Latino")  # hidden in ethnicity only
    parts = zip(total, not_hispanic, unknown, hispanic, strict=True)
    recovered = tuple(t - a - b - c for t, a, b, c in parts)
    assert recovered == (7, 8)  # the hidden Declined cell

    pub = build_publication(frame)
    assert not audit(pub.cells, pub.relations, old_hidden_keys(pub, old), k=K).passed
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    assert new_hidden(pub, decisions, frame, "ethnicity", DECLINED)
    # Hispanic or Latino has one decision: hidden in both tables, or shown in both.
    assert new_hidden(pub, decisions, frame, "ethnicity", "Hispanic or Latino") == new_hidden(
        pub, decisions, frame, "race_ethnicity", "Hispanic or Latino"
    )


def test_2_quality_report_and_results_are_protected_together():
    frame = counts(ETHNICITY)
    quality = pd.DataFrame(
        [
            (Q1, "quarter", ALL_SITES, "ethnicity", "Not Hispanic or Latino", 230),
            (Q1, "quarter", ALL_SITES, "ethnicity", "Hispanic or Latino", 45),
            (Q1, "quarter", ALL_SITES, "ethnicity", UNKNOWN, 60),
            (Q1, "quarter", ALL_SITES, "ethnicity", DECLINED, 8),
        ],
        columns=["period_start", "granularity", "site", "dimension", "group", "patients"],
    )
    # Old quality report: the completeness row's categories as one table.
    categories = pd.DataFrame(
        {"t": 1, "category": ["known", UNKNOWN, DECLINED], "v": [275, 60, 8], "total": 343}
    )
    q_hidden = suppression_mask(
        categories,
        k=K,
        table_keys=["t"],
        group_col="category",
        numerator_col="v",
        denominator_col="total",
    ).tolist()
    assert q_hidden == [False, True, True]  # known 275 shown, Unknown and Declined hidden
    old = old_published(frame)
    unknown_n = shown(old, "ethnicity", UNKNOWN)[1]  # the results show Unknown
    assert 343 - 275 - unknown_n == 8  # the hidden Declined

    pub = build_publication(frame, quality)
    old_keys = old_hidden_keys(pub, old) | {
        pub.quality_keys[(Q1, "quarter", ALL_SITES, "ethnicity", c)] for c in (UNKNOWN, DECLINED)
    }
    assert not audit(pub.cells, pub.relations, old_keys, k=K).passed
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    declined = pub.quality_keys[(Q1, "quarter", ALL_SITES, "ethnicity", DECLINED)]
    assert decisions.is_hidden(declined)
    # Whatever the report shows, Declined cannot be recovered from it and the results.
    unknown_q = pub.quality_keys[(Q1, "quarter", ALL_SITES, "ethnicity", UNKNOWN)]
    unknown_r = new_hidden(pub, decisions, frame, "ethnicity", UNKNOWN)
    assert decisions.is_hidden(unknown_q) or unknown_r is False
    assert decisions.is_hidden(unknown_q) == unknown_r


INTERSECTION = [
    ("all", "All patients", 687, 1112),
    ("race_ethnicity", "Hispanic or Latino", 287, 512),
    ("race_ethnicity", "White", 400, 600),
    ("sex", "Female", 209, 534),
    ("sex", "Male", 478, 578),
    ("race_ethnicity x sex", "Hispanic or Latino x Female", 9, 234),
    ("race_ethnicity x sex", "Hispanic or Latino x Male", 278, 278),
    ("race_ethnicity x sex", "White x Female", 200, 300),
    ("race_ethnicity x sex", "White x Male", 200, 300),
]


def test_3_intersection_margins_are_cells_too():
    frame = counts(INTERSECTION)
    old = old_published(frame)
    female = shown(old, "sex", "Female")
    white_female = shown(old, "race_ethnicity x sex", "White x Female")
    assert (female[0] - white_female[0], female[1] - white_female[1]) == (9, 234)

    pub = build_publication(frame)
    assert not audit(pub.cells, pub.relations, old_hidden_keys(pub, old), k=K).passed
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    target = "Hispanic or Latino x Female"
    assert new_hidden(pub, decisions, frame, "race_ethnicity x sex", target)
    # Neither its row nor its column can be subtracted: each has another hidden cell
    # or a hidden margin.
    hidden = {g for g in frame["group"] if new_hidden(pub, decisions, frame, *_dim(frame, g))}
    column = {"White x Female", "Female"} & hidden
    row = {"Hispanic or Latino x Male", "Hispanic or Latino"} & hidden
    assert column and row


def _dim(frame, group):
    return frame.loc[frame["group"] == group, "dimension"].iloc[0], group


@pytest.mark.parametrize(
    ("aian", "nhpi", "rate"), [((5, 5), (40, 40), 1.0), ((0, 6), (0, 30), 0.0)]
)
def test_4_hidden_remainder_never_pins_a_rate(aian, nhpi, rate):
    rows = [("race_ethnicity", "White", 300, 400), ("race_ethnicity", "Black", 100, 150)]
    rows += [("race_ethnicity", "AIAN", *aian), ("race_ethnicity", "NHPI", *nhpi)]
    total = (sum(r[2] for r in rows), sum(r[3] for r in rows))
    frame = counts([("all", "All patients", *total), *rows])
    old = old_published(frame)
    white, black = shown(old, "race_ethnicity", "White"), shown(old, "race_ethnicity", "Black")
    rest = (total[0] - white[0] - black[0], total[1] - white[1] - black[1])
    assert rest[0] / rest[1] == rate  # AIAN's rate, pinned by the hidden remainder

    pub = build_publication(frame)
    assert not audit(pub.cells, pub.relations, old_hidden_keys(pub, old), k=K).passed
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    hidden = [r for r in rows if new_hidden(pub, decisions, frame, r[0], r[1])]
    events = sum(r[2] for r in hidden)
    patients = sum(r[3] for r in hidden)
    assert events >= K and patients - events >= K


def test_5_hidden_remainder_is_never_below_k():
    rows = [("race_ethnicity", "White", 300, 400), ("race_ethnicity", "Black", 100, 150)]
    rows += [("race_ethnicity", "AIAN", 2, 4), ("race_ethnicity", "NHPI", 1, 3)]
    frame = counts([("all", "All patients", 403, 557), *rows])
    old = old_published(frame)
    white, black = shown(old, "race_ethnicity", "White"), shown(old, "race_ethnicity", "Black")
    assert (403 - white[0] - black[0], 557 - white[1] - black[1]) == (3, 7)

    pub = build_publication(frame)
    assert not audit(pub.cells, pub.relations, old_hidden_keys(pub, old), k=K).passed
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    hidden = [r for r in rows if new_hidden(pub, decisions, frame, r[0], r[1])]
    assert sum(r[3] for r in hidden) >= K and sum(r[2] for r in hidden) >= K


def test_6_complements_are_stable_across_periods():
    q1 = [
        ("all", "All patients", 422, 596),
        ("race_ethnicity", "White", 300, 400),
        ("race_ethnicity", "Black", 100, 150),
        ("race_ethnicity", "AIAN", 2, 6),
        ("race_ethnicity", "NHPI", 20, 40),
    ]
    q2 = [
        ("all", "All patients", 437, 601),
        ("race_ethnicity", "White", 310, 400),
        ("race_ethnicity", "Black", 100, 150),
        ("race_ethnicity", "AIAN", 3, 6),
        ("race_ethnicity", DECLINED, 2, 5),
        ("race_ethnicity", "NHPI", 22, 40),
    ]
    frame = pd.concat([counts(q1, Q1), counts(q2, Q2)], ignore_index=True)
    old = old_published(frame)
    nhpi_q2 = shown(old, "race_ethnicity", "NHPI", Q2)  # Q2 needed no complement
    q1_hidden_n = (
        596 - shown(old, "race_ethnicity", "White")[1] - shown(old, "race_ethnicity", "Black")[1]
    )
    assert q1_hidden_n - nhpi_q2[1] == 6  # Q1 AIAN's denominator, with a stable panel

    pub = build_publication(frame)
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    assert new_hidden(pub, decisions, frame, "race_ethnicity", "AIAN", Q1)
    assert new_hidden(pub, decisions, frame, "race_ethnicity", "NHPI", Q1)
    assert new_hidden(pub, decisions, frame, "race_ethnicity", "NHPI", Q2)


def test_7_complement_hides_events_not_only_patients():
    rows = [
        ("race_ethnicity", "White", 50, 200),
        ("race_ethnicity", "Black", 20, 100),
        ("race_ethnicity", "Asian", 3, 30),
        ("race_ethnicity", "AIAN", 0, 12),
    ]
    frame = counts([("all", "All patients", 73, 342), *rows])
    old = old_published(frame)
    assert (
        73 - shown(old, "race_ethnicity", "White")[0] - shown(old, "race_ethnicity", "Black")[0]
        == 3
    )  # events in the two hidden cells: Asian's count is 0..3

    pub = build_publication(frame)
    assert not audit(pub.cells, pub.relations, old_hidden_keys(pub, old), k=K).passed
    decisions = protect_publication(pub.cells, pub.relations, k=K)
    assert decisions.report.passed
    hidden = [r for r in rows if new_hidden(pub, decisions, frame, r[0], r[1])]
    assert sum(r[2] for r in hidden) >= K
