"""CSV and XLSX exports of results, summary measures and data quality (issue 6 §5).

One row builder per file, shared by the web downloads and `manage.py export_results`, so
both give the same bytes. Rows are the published rows (`selectors.results_rows`), the same
the pages, charts and the read API show: suppressed rows keep their identity and
`suppressed=true` with every number empty. Rates are written at full precision (Python's
shortest round-trip repr, up to 17 significant digits).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from data_hub.models import Extract
from equity_portal.core.exports import safe_csv_cell
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


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    # Site names and groups come from uploaded files: defuse spreadsheet formulas.
    return safe_csv_cell(str(value))


def write_csv(columns: Iterable[str], rows: Iterable[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = list(columns)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")


def _xlsx_value(value):
    return value.isoformat() if isinstance(value, date) else value


def write_xlsx(
    columns: Iterable[str], rows: Iterable[dict], *, title: str, provenance: Provenance, k: int
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    columns = list(columns)
    sheet.append(columns)
    for row in rows:
        sheet.append([_xlsx_value(row[c]) for c in columns])
    # Text cells stay text: a leading "=" from an uploaded site name is not a formula.
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    sheet.freeze_panes = "A2"
    about = workbook.create_sheet("Provenance")
    about.append(["field", "value"])
    for name, value in [*provenance.as_rows(), ("suppression_k", str(k))]:
        about.append([name, value])
        about.cell(row=about.max_row, column=2).data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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

        columns = quality_selectors.QUALITY_COLUMNS
        rows = quality_selectors.completeness_export_rows(
            organization=organization, extract=extract, k=k
        )
    stem = f"{what}-extract-{extract.pk}-{provenance.method_version}"
    if file_format == "csv":
        return write_csv(columns, rows), f"{stem}.csv", "text/csv; charset=utf-8"
    content = write_xlsx(columns, rows, title=what, provenance=provenance, k=k)
    return (
        content,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
