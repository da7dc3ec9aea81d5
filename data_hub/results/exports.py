"""CSV and XLSX exports of results, summary measures and data quality (issue 6 §5).

One row builder per file, shared by the web downloads and `manage.py export_results`, so
both give the same bytes. Rows are the published rows (`selectors.results_rows`), the same
the pages, charts and the read API show: suppressed rows keep their identity and
`suppressed=true` with every number empty. Rates are written at full precision (Python's
shortest round-trip repr, up to 17 significant digits).
"""

from __future__ import annotations

from collections.abc import Iterable

from data_hub.models import Extract, Measure, dimension_label
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
    "blank_reason",
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


def results_rows(rows: Iterable[dict]) -> list[dict]:
    """One dict per measure x period x dimension x group, keys RESULTS_COLUMNS."""
    out = []
    for r in rows:
        row = {c: r[c] for c in RESULTS_COLUMNS}
        row["significant"] = bool(r["significant"]) if not r["suppressed"] else False
        out.append(row)
    return out


def summary_rows(rows: Iterable[dict]) -> list[dict]:
    return [{c: r[c] for c in SUMMARY_COLUMNS} for r in rows]


# --------------------------------------------------------------------------- writers
# The core's one CSV/XLSX writer (formula-safe; readable XLSX). The CSV keeps these codes as
# its header; the XLSX shows the labels, rates as percentages, counts with separators.

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


def results_export_rows(*, organization: Organization, extract: Extract) -> list[dict]:
    return results_rows(selectors.results_rows(organization=organization, extract=extract))


def summary_export_rows(*, organization: Organization, extract: Extract) -> list[dict]:
    return summary_rows(selectors.summary_rows(organization=organization, extract=extract))


def build(
    *, organization: Organization, extract: Extract, what: str, file_format: str
) -> tuple[bytes, str, str]:
    """(content, filename, content type) of one export."""
    if what not in WHATS or file_format not in FORMATS:
        raise ValueError(f"unknown export {what!r} / {file_format!r}")
    provenance = selectors.provenance_of(extract)
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
    measure_names = dict(
        Measure.objects.filter(organization=organization).values_list("code", "name")
    )
    content = write_xlsx(
        columns, rows, title=what, provenance=provenance, k=k, labels={"measure": measure_names}
    )
    return (
        content,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
