"""The explorer page, the results CSV and the results XLSX show the statistics engine's
numbers for the fixture extract, identically."""

import html as html_lib

import pandas as pd
import pytest

import equity_stats

from .conftest import url
from .factories import Q2, RACE_Q2
from .helpers import read_csv, read_xlsx, row_values

pytestmark = pytest.mark.django_db

RESULTS_HEADER = (
    "measure,period_start,granularity,period_label,dimension,group,numerator,denominator,rate,"
    "rate_lower,rate_upper,suppressed,reference_group,is_reference,difference,difference_lower,"
    "difference_upper,ratio,ratio_lower,ratio_upper,significant"
)


def _engine(direction):
    df = pd.DataFrame(
        [{"t": 1, "group": g, "numerator": x, "denominator": n} for g, (x, n) in RACE_Q2.items()]
    )
    return equity_stats.stratify(df, direction=direction, k=11, table_keys=["t"]).set_index("group")


def _close(a, b):
    if a in ("", None) or b in ("", None):
        return a in ("", None) and b in ("", None)
    return abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(b)))


@pytest.mark.parametrize(
    ("code", "direction"), [("screen", "higher_is_better"), ("readmit", "lower_is_better")]
)
def test_page_csv_and_xlsx_show_the_engines_numbers(
    org, analyst, extract_and_measures, code, direction
):
    extract, _ = extract_and_measures
    expected = _engine(direction)
    page = analyst.get(
        url(org, "results:explorer")
        + f"?extract={extract.pk}&measure={code}&dimension=race_ethnicity&period=latest"
    )
    assert page.status_code == 200
    html = html_lib.unescape(page.content.decode())
    csv_rows = read_csv(analyst.get(url(org, "results:export", what="results", file_format="csv")))
    xlsx_rows = read_xlsx(
        analyst.get(url(org, "results:export", what="results", file_format="xlsx"))
    )
    pick = lambda rows: {  # noqa: E731
        r["group"]: r
        for r in rows
        if r["measure"] == code
        and r["dimension"] == "race_ethnicity"
        and str(r["period_start"]) == Q2.isoformat()
    }
    by_csv, by_xlsx = pick(csv_rows), pick(xlsx_rows)
    assert set(by_csv) == set(by_xlsx) == set(RACE_Q2)
    for group, e in expected.iterrows():
        c, x = by_csv[group], by_xlsx[group]
        assert c["suppressed"] == ("true" if e["suppressed"] else "false")
        assert x["suppressed"] is bool(e["suppressed"])
        if e["suppressed"]:
            continue
        shown = row_values(html, group)
        for column in ("rate", "difference", "ratio"):
            value = e[column]
            value = "" if pd.isna(value) else float(value)
            assert _close(c[column], value), (group, column)
            assert _close(x[column], value), (group, column)
            assert _close(shown[column], value), (group, column)
        for column in (
            "rate_lower",
            "rate_upper",
            "difference_lower",
            "difference_upper",
            "ratio_lower",
            "ratio_upper",
        ):
            value = e[column]
            value = "" if pd.isna(value) else float(value)
            assert _close(c[column], value) and _close(x[column], value), (group, column)
        assert int(c["numerator"]) == x["numerator"] == int(shown["numerator"]) == e["numerator"]
        assert c["significant"] == ("true" if e["significant"] is True else "false")
        assert c["reference_group"] == x["reference_group"] == e["reference_group"]
        assert shown["significant"] == c["significant"]


def test_rates_are_written_at_full_precision(org, analyst, extract_and_measures):
    rows = read_csv(analyst.get(url(org, "results:export", what="results", file_format="csv")))
    asian = next(
        r
        for r in rows
        if r["group"] == "Black or African American"
        and r["measure"] == "screen"
        and r["period_start"] == Q2.isoformat()
        and r["dimension"] == "race_ethnicity"
    )
    # 110/200 is exact; its Wilson bounds need all their digits.
    assert asian["rate"] == "0.55"
    assert len(asian["rate_lower"].lstrip("0.").rstrip("0")) >= 10


def test_summary_export_matches_engine_summary(org, analyst, extract_and_measures):
    response = analyst.get(url(org, "results:export", what="summary", file_format="csv"))
    assert response.content.decode().splitlines()[0] == (
        "measure,period_start,period_label,dimension,reference_group,groups_compared,"
        "range_difference,range_ratio,index_of_disparity,between_group_variance,theil_index,"
        "mean_log_deviation,blank_reason"
    )
    rows = read_csv(response)
    row = next(
        r
        for r in rows
        if r["measure"] == "screen"
        and r["dimension"] == "race_ethnicity"
        and r["period_start"] == Q2.isoformat()
    )
    df = pd.DataFrame(
        [{"t": 1, "group": g, "numerator": x, "denominator": n} for g, (x, n) in RACE_Q2.items()]
    )
    expected = equity_stats.summary_measures(
        equity_stats.stratify(df, direction="higher_is_better", k=11, table_keys=["t"]),
        table_keys=["t"],
    ).iloc[0]
    assert row["reference_group"] == expected["reference_group"] == "White"
    assert int(row["groups_compared"]) == expected["groups_compared"]
    for column in ("range_difference", "theil_index", "mean_log_deviation", "index_of_disparity"):
        assert _close(row[column], float(expected[column]))
    xlsx = read_xlsx(analyst.get(url(org, "results:export", what="summary", file_format="xlsx")))
    # The spreadsheet stores periods as real dates; read_xlsx gives them back as ISO text.
    x = next(
        r
        for r in xlsx
        if r["measure"] == "screen"
        and r["dimension"] == "race_ethnicity"
        and r["period_start"] == Q2.isoformat()
    )
    assert _close(x["theil_index"], float(expected["theil_index"]))


def test_results_csv_header_is_exact(org, analyst, extract_and_measures):
    response = analyst.get(url(org, "results:export", what="results", file_format="csv"))
    assert response.content.decode().splitlines()[0] == RESULTS_HEADER
    assert response["Content-Type"].startswith("text/csv")
    assert f"extract-{extract_and_measures[0].pk}" in response["Content-Disposition"]


@pytest.mark.parametrize("code", ["screen", "readmit"])
def test_the_read_api_gives_the_numbers_of_the_csv(org, analyst, extract_and_measures, code):
    from data_hub import api

    table = api.group_results(org, code, "race_ethnicity", period=Q2)
    rows = read_csv(analyst.get(url(org, "results:export", what="results", file_format="csv")))
    by_csv = {
        r["group"]: r
        for r in rows
        if r["measure"] == code
        and r["dimension"] == "race_ethnicity"
        and r["period_start"] == Q2.isoformat()
    }
    assert {row.group for row in table.rows} == set(by_csv)
    for row in table.rows:
        c = by_csv[row.group]
        assert c["suppressed"] == ("true" if row.suppressed else "false")
        for column in ("numerator", "rate", "rate_lower", "difference", "ratio_upper"):
            value = getattr(row, column)
            assert _close(c[column], value), (row.group, column)
        assert c["reference_group"] == (table.reference_group or "")
    summary = read_csv(analyst.get(url(org, "results:export", what="summary", file_format="csv")))
    s = next(
        r
        for r in summary
        if r["measure"] == code
        and r["dimension"] == "race_ethnicity"
        and r["period_start"] == Q2.isoformat()
    )
    assert _close(s["theil_index"], table.summary["theil_index"])
