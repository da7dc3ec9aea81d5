"""CSV and XLSX exports of results, summary measures and data quality (issue 6 §5).

One row builder per file, shared by the web downloads and `manage.py export_results`, so
both give the same bytes. Rows are built from `equity_stats` output only: suppressed rows
keep their identity and `suppressed=true` with every number empty. Rates are written at
full precision (Python's shortest round-trip repr, up to 17 significant digits).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from data_hub.models import OVERALL_DIMENSION, Extract, Measure
from equity_portal.core import exports
from equity_portal.core.models import Organization

from . import selectors
from .selectors import Provenance

RESULTS_COLUMNS = (
    "measure",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "group",
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "suppressed",
    "reference_group",
    "is_reference",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
    "significant",
)
SUMMARY_COLUMNS = (
    "measure",
    "period_start",
    "period_label",
    "dimension",
    "reference_group",
    "groups_compared",
    "range_difference",
    "range_ratio",
    "index_of_disparity",
    "between_group_variance",
    "theil_index",
    "mean_log_deviation",
)
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
WHATS = ("results", "summary", "quality")
FORMATS = ("csv", "xlsx")


def _number(value):
    """None for missing (NA, NaN, inf), else an int or a float."""
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return value
    if float(value).is_integer() and not isinstance(value, float):
        return int(value)
    value = float(value)
    return None if math.isinf(value) else value


def _bool(value) -> bool:
    return False if value is None or value is pd.NA or pd.isna(value) else bool(value)


def _text(value) -> str:
    if value is None or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def results_rows(frame: pd.DataFrame) -> list[dict]:
    """One dict per measure x period x dimension x group, keys RESULTS_COLUMNS."""
    rows = []
    for r in frame.to_dict("records"):
        suppressed = _bool(r["suppressed"])
        row = {
            "measure": r["measure_code"],
            "period_start": r["period_start"],
            "granularity": r["granularity"],
            "period_label": r["period_label"],
            "dimension": r["dimension"],
            "group": r["group"],
            "suppressed": suppressed,
            "reference_group": _text(r["reference_group"]),
            "is_reference": _bool(r["is_reference"]),
            "significant": False if suppressed else _bool(r["significant"]),
        }
        for column in NUMBER_COLUMNS:
            row[column] = None if suppressed else _number(r[column])
        if row["numerator"] is not None:
            row["numerator"] = int(row["numerator"])
            row["denominator"] = int(row["denominator"])
        rows.append({c: row[c] for c in RESULTS_COLUMNS})
    return rows


def summary_rows(frame: pd.DataFrame) -> list[dict]:
    rows = []
    for r in frame.to_dict("records"):
        row = {
            "measure": r["measure_code"],
            "period_start": r["period_start"],
            "period_label": r["period_label"],
            "dimension": r["dimension"],
            "reference_group": _text(r["reference_group"]),
            "groups_compared": int(r["groups_compared"]),
        }
        for column in SUMMARY_COLUMNS[6:]:
            row[column] = _number(r[column])
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- writers
# The core's one CSV/XLSX writer (formula-safe; readable XLSX). The CSV keeps these codes as
# its header; the XLSX shows the labels, rates as percentages, counts with separators.

DIMENSION_LABELS = {
    "race": "Race",
    "ethnicity": "Ethnicity",
    "race_ethnicity": "Race and ethnicity",
    "language": "Preferred language",
    "sex": "Sex",
    "age_band": "Age band",
    "payer": "Payer",
    "site": "Site",
    OVERALL_DIMENSION: "All patients",
}


def dimension_label(code: str) -> str:
    parts = str(code).split(" x ")
    return " × ".join(DIMENSION_LABELS.get(p, p.replace("_", " ").capitalize()) for p in parts)


_KINDS = {
    "numerator": exports.COUNT,
    "denominator": exports.COUNT,
    "patients": exports.COUNT,
    "known": exports.COUNT,
    "unknown": exports.COUNT,
    "declined": exports.COUNT,
    "groups_compared": exports.COUNT,
    "rate": exports.RATE,
    "rate_lower": exports.RATE,
    "rate_upper": exports.RATE,
    "difference": exports.RATE,
    "difference_lower": exports.RATE,
    "difference_upper": exports.RATE,
    "range_difference": exports.RATE,
    "proportion_known": exports.RATE,
    "proportion_unknown": exports.RATE,
    "proportion_declined": exports.RATE,
    "ratio": exports.NUMBER,
    "ratio_lower": exports.NUMBER,
    "ratio_upper": exports.NUMBER,
    "range_ratio": exports.NUMBER,
    "index_of_disparity": exports.NUMBER,
    "between_group_variance": exports.NUMBER,
    "theil_index": exports.NUMBER,
    "mean_log_deviation": exports.NUMBER,
    "period_start": exports.DATE,
    "suppressed": exports.BOOL,
    "is_reference": exports.BOOL,
    "significant": exports.BOOL,
}
_LABELS = {
    "measure": "Measure",
    "period_start": "Period start",
    "period_label": "Period",
    "dimension": "Dimension",
    "group": "Group",
    "rate": "Rate",
    "rate_lower": "Rate, lower 95% limit",
    "rate_upper": "Rate, upper 95% limit",
    "reference_group": "Reference group",
    "is_reference": "Is the reference",
    "difference": "Difference from the reference (adverse rate)",
    "difference_lower": "Difference, lower 95% limit",
    "difference_upper": "Difference, upper 95% limit",
    "ratio": "Ratio to the reference (adverse rate)",
    "ratio_lower": "Ratio, lower 95% limit",
    "ratio_upper": "Ratio, upper 95% limit",
    "significant": "Statistically significant",
    "proportion_known": "Known",
    "proportion_unknown": "Unknown",
    "proportion_declined": "Declined",
    "known": "Patients with a known value",
    "unknown": "Patients with Unknown",
    "declined": "Patients who declined",
}


def xlsx_columns(columns: Iterable[str], labels: dict | None = None) -> list[exports.Column]:
    """Labelled, typed columns; `labels` = {column: {code: label}} (e.g. measure names)."""
    labels = labels or {}
    return [
        exports.Column(
            c,
            _LABELS.get(c, c.replace("_", " ").capitalize()),
            _KINDS.get(c, exports.TEXT),
            labels.get(c),
        )
        for c in columns
    ]


def csv_cell(value) -> str:
    return exports.csv_value(value)


def write_csv(columns: Iterable[str], rows: Iterable[dict]) -> bytes:
    return exports.write_csv(columns, rows)


def write_xlsx(
    columns: Iterable[str],
    rows: Iterable[dict],
    *,
    title: str,
    provenance: Provenance,
    k: int,
    labels: dict | None = None,
) -> bytes:
    rows = list(rows)
    dimension_labels = {
        r["dimension"]: dimension_label(r["dimension"]) for r in rows if "dimension" in r
    }
    return exports.write_xlsx(
        xlsx_columns(columns, {"dimension": dimension_labels, **(labels or {})}),
        rows,
        title=f"Equity Portal: {title} of extract {provenance.extract_id}",
        sheet=title,
        about=[
            (name.replace("_", " ").capitalize(), value) for name, value in provenance.as_rows()
        ],
        k=k,
    )


# --------------------------------------------------------------------------- whole exports


def _measures(organization: Organization) -> dict[int, Measure]:
    return {m.pk: m for m in Measure.objects.filter(organization=organization)}


def results_export_rows(*, organization: Organization, extract: Extract) -> list[dict]:
    counts = selectors.count_frame(organization=organization, extract=extract)
    frame = selectors.stratified(
        counts,
        organization=organization,
        extract=extract,
        measures=_measures(organization),
        k=selectors.export_k(organization),
    )
    return results_rows(frame)


def summary_export_rows(*, organization: Organization, extract: Extract) -> list[dict]:
    counts = selectors.count_frame(organization=organization, extract=extract)
    counts = counts[counts["dimension"] != OVERALL_DIMENSION]
    frame = selectors.stratified(
        counts,
        organization=organization,
        extract=extract,
        measures=_measures(organization),
        k=selectors.export_k(organization),
    )
    return summary_rows(selectors.summary(frame))


def build(
    *, organization: Organization, extract: Extract, what: str, file_format: str
) -> tuple[bytes, str, str]:
    """(content, filename, content type) of one export."""
    if what not in WHATS or file_format not in FORMATS:
        raise ValueError(f"unknown export {what!r} / {file_format!r}")
    provenance = Provenance.of(extract)
    k = selectors.export_k(organization)
    if what == "results":
        columns, rows = (
            RESULTS_COLUMNS,
            results_export_rows(organization=organization, extract=extract),
        )
    elif what == "summary":
        columns, rows = (
            SUMMARY_COLUMNS,
            summary_export_rows(organization=organization, extract=extract),
        )
    else:
        from data_hub.quality import selectors as quality_selectors

        columns = quality_selectors.QUALITY_EXPORT_COLUMNS
        rows = quality_selectors.completeness_export_rows(
            organization=organization, extract=extract, k=k
        )
    stem = f"{what}-extract-{extract.pk}-{provenance.method_version}"
    if file_format == "csv":
        return write_csv(columns, rows), f"{stem}.csv", "text/csv; charset=utf-8"
    measure_names = {m.code: m.name for m in _measures(organization).values()}
    content = write_xlsx(
        columns, rows, title=what, provenance=provenance, k=k, labels={"measure": measure_names}
    )
    return (
        content,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
