"""No count below k leaves the server: page, chart JSON, chart CSVs, exports; including by
subtraction from a shown total (complementary suppression, intersection margins)."""

import html as html_lib
import re

import pytest

from .conftest import url
from .factories import Q2
from .helpers import chart_payloads, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

AIAN = "American Indian or Alaska Native"
NUMBER_COLUMNS = (
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
)


def _rows(org, client, fmt):
    response = client.get(url(org, "results:export", what="results", file_format=fmt))
    return read_csv(response) if fmt == "csv" else read_xlsx(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_suppressed_rows_exist_with_every_number_empty(org, analyst, extract_and_measures, fmt):
    rows = _rows(org, analyst, fmt)
    race = [
        r
        for r in rows
        if r["dimension"] == "race_ethnicity"
        and str(r["period_start"]) == Q2.isoformat()
        and r["measure"] == "screen"
    ]
    suppressed = {r["group"] for r in race if r["suppressed"] in ("true", True)}
    # AIAN (5 of 8) is below k; exactly one small cell, so the next smallest (Unknown) too.
    assert suppressed == {AIAN, "Unknown"}
    for r in race:
        if r["group"] in suppressed:
            assert all(r[c] in ("", None) for c in NUMBER_COLUMNS), r
            assert r["significant"] in ("false", False)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_shown_count_is_between_1_and_k_minus_1(org, analyst, extract_and_measures, fmt):
    for r in _rows(org, analyst, fmt):
        if r["numerator"] in ("", None):
            continue
        x, n = int(r["numerator"]), int(r["denominator"])
        assert n >= 11 and not 1 <= x <= 10 and not 1 <= n - x <= 10, r


def test_a_suppressed_cell_cannot_be_recovered_from_the_total(org, analyst, extract_and_measures):
    rows = [
        r
        for r in _rows(org, analyst, "csv")
        if r["measure"] == "screen" and r["period_start"] == Q2.isoformat()
    ]
    for dimension in ("race_ethnicity", "language", "race_ethnicity x language"):
        table = [r for r in rows if r["dimension"] == dimension]
        hidden = [r for r in table if r["suppressed"] == "true"]
        assert len(hidden) != 1, dimension


def test_intersection_cells_cannot_be_recovered_from_their_margins(
    org, analyst, extract_and_measures
):
    rows = [
        r
        for r in _rows(org, analyst, "csv")
        if r["measure"] == "screen" and r["period_start"] == Q2.isoformat()
    ]
    margins = {(r["dimension"], r["group"]): r for r in rows}
    cells = [r for r in rows if r["dimension"] == "race_ethnicity x language"]
    # White x Spanish (20 of 30: 10 non-events) is small; White's total is shown, so White x
    # English must be hidden too, else 400 - 370 gives it back.
    for side, dimension in enumerate(("race_ethnicity", "language")):
        for value in {r["group"].split(" x ")[side] for r in cells}:
            line = [r for r in cells if r["group"].split(" x ")[side] == value]
            margin = margins.get((dimension, value))
            hidden = sum(r["suppressed"] == "true" for r in line)
            if margin is not None:
                hidden += margin["suppressed"] == "true"
            assert hidden != 1, (dimension, value)
    white = {r["group"]: r for r in cells if r["group"].startswith("White")}
    assert white["White x Spanish"]["suppressed"] == "true"
    assert white["White x English"]["suppressed"] == "true"
    assert margins[("race_ethnicity", "White")]["suppressed"] == "false"


def test_page_and_chart_json_show_no_suppressed_value(org, analyst, extract_and_measures):
    response = analyst.get(
        url(org, "results:explorer") + "?measure=screen&dimension=race_ethnicity"
    )
    html = html_lib.unescape(response.content.decode())
    aian = re.search(r'<tr data-group="' + AIAN + r'"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert "suppressed" in aian and "data-value" not in aian
    assert re.search(r"\b(5|8)\b", aian) is None
    payloads = chart_payloads(html)
    assert payloads
    text = str(payloads)
    assert AIAN not in str(payloads[0]["data"][0]["x"])  # no bar for a suppressed cell
    for small in ("0.625",):  # AIAN 5/8
        assert small not in text
    # The chart tables say "suppressed" instead of a number.
    assert html.count("suppressed") >= 4


def test_intersection_heatmap_and_its_csv_hide_margin_recoverable_cells(
    org, analyst, extract_and_measures
):
    query = "?measure=screen&dimension=race_ethnicity+x+language"
    html = html_lib.unescape(analyst.get(url(org, "results:explorer") + query).content.decode())
    heatmap = next(p for p in chart_payloads(html) if p["data"][0]["type"] == "heatmap")
    white_row = heatmap["data"][0]["y"].index("White")
    assert heatmap["data"][0]["z"][white_row] == [None, None]
    rows = read_csv(analyst.get(url(org, "results:chart_csv", chart="heatmap") + query))
    assert {(r["row_group"], r["column_group"]): r["rate"] for r in rows}[
        ("White", "English")
    ] == ""
    assert "0.7567567567567568" not in html  # White x English 280/370


def test_chart_csvs_carry_no_suppressed_value(org, analyst, extract_and_measures):
    for chart in ("rates", "trend", "gap"):
        rows = read_csv(analyst.get(url(org, "results:chart_csv", chart=chart) + "?measure=screen"))
        assert rows
        for r in rows:
            if r["suppressed"] == "true":
                assert all(v == "" for k, v in r.items() if k.startswith(("rate", "difference")))


def test_quality_export_hides_small_cells(org, analyst, extract_and_measures):
    from .test_quality_report import make_quality_counts

    make_quality_counts(org, extract_and_measures[0])
    for fmt in ("csv", "xlsx"):
        response = analyst.get(url(org, "results:export", what="quality", file_format=fmt))
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
        assert rows
        for r in rows:
            for column in ("patients", "known", "unknown", "declined"):
                if r[column] not in ("", None):
                    assert not 1 <= int(r[column]) <= 10, r
