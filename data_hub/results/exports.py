"""CSV and XLSX exports of an extract (issue 6 §5): results and summary measures, and any
export another data hub app registers (the data quality app registers "quality").

One row builder per file, shared by the web downloads and `manage.py export_results`, so
both give the same bytes. Rows are the published rows (`selectors.results_rows`), the same
the pages, charts and the read API show: suppressed rows keep their identity and
`suppressed=true` with every number empty. Rates are written at full precision (Python's
shortest round-trip repr, up to 17 significant digits).

This module imports no other data hub app: an app with an export of its own calls
`register` from its AppConfig.ready() (dependencies point one way, DESIGN §2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from data_hub.models import Extract, Measure, dimension_label
from data_hub.provenance import Provenance
from equity_portal.core import exports
from equity_portal.core.models import Organization

# `selectors` (and pandas with it) loads with the first export, not when a process starts.

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
    "groups_compared": exports.COUNT,
    "rate": exports.RATE,
    "rate_lower": exports.RATE,
    "rate_upper": exports.RATE,
    "difference": exports.RATE,
    "difference_lower": exports.RATE,
    "difference_upper": exports.RATE,
    "range_difference": exports.RATE,
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
}


def xlsx_columns(
    columns: Iterable[str],
    labels: dict | None = None,
    *,
    headings: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> list[exports.Column]:
    """Labelled, typed columns; `labels` = {column: {code: label}} (e.g. measure names);
    `headings` and `kinds` add to (or override) the results' own column headings and kinds."""
    labels = labels or {}
    headings = {**_LABELS, **(headings or {})}
    kinds = {**_KINDS, **(kinds or {})}
    return [
        exports.Column(
            c,
            headings.get(c, c.replace("_", " ").capitalize()),
            kinds.get(c, exports.TEXT),
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
    headings: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> bytes:
    rows = list(rows)
    dimension_labels = {
        r["dimension"]: dimension_label(r["dimension"]) for r in rows if "dimension" in r
    }
    return exports.write_xlsx(
        xlsx_columns(
            columns,
            {"dimension": dimension_labels, **(labels or {})},
            headings=headings,
            kinds=kinds,
        ),
        rows,
        title=f"Equity Portal: {title} of extract {provenance.extract_id}",
        sheet=title,
        about=[
            (name.replace("_", " ").capitalize(), value) for name, value in provenance.as_rows()
        ],
        k=k,
    )


# --------------------------------------------------------------------------- whole exports


@dataclass(frozen=True)
class Export:
    """One kind of export of an extract: its columns (the CSV header, in order), its rows
    (`rows(organization=, extract=, k=)`, keys = columns, suppressed numbers None) and the
    XLSX headings and kinds of the columns the results' own tables do not name."""

    columns: tuple[str, ...]
    rows: Callable[..., list[dict]]
    headings: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)


def results_export_rows(*, organization: Organization, extract: Extract, k: int = 0) -> list[dict]:
    from . import selectors

    return results_rows(selectors.results_rows(organization=organization, extract=extract))


def summary_export_rows(*, organization: Organization, extract: Extract, k: int = 0) -> list[dict]:
    from . import selectors

    return summary_rows(selectors.summary_rows(organization=organization, extract=extract))


# what -> Export: the results' own two, then those other apps register (in their ready()).
EXPORTS: dict[str, Export] = {
    "results": Export(RESULTS_COLUMNS, results_export_rows),
    "summary": Export(SUMMARY_COLUMNS, summary_export_rows),
}


def register(what: str, export: Export) -> None:
    """Offer `export` as /data/results/export/<what>.<format> and `export_results --what`."""
    if EXPORTS.get(what, export) != export:
        raise ValueError(f"another export is registered as {what!r}")
    EXPORTS[what] = export


def build(
    *, organization: Organization, extract: Extract, what: str, file_format: str
) -> tuple[bytes, str, str]:
    """(content, filename, content type) of one export."""
    export = EXPORTS.get(what)
    if export is None or file_format not in FORMATS:
        raise ValueError(f"unknown export {what!r} / {file_format!r}")
    from . import selectors

    provenance = selectors.provenance_of(extract)
    k = selectors.export_k(organization)
    columns = export.columns
    rows = export.rows(organization=organization, extract=extract, k=k)
    stem = f"{what}-extract-{extract.pk}-{provenance.method_version}"
    if file_format == "csv":
        return write_csv(columns, rows), f"{stem}.csv", "text/csv; charset=utf-8"
    measure_names = dict(
        Measure.objects.filter(organization=organization).values_list("code", "name")
    )
    content = write_xlsx(
        columns,
        rows,
        title=what,
        provenance=provenance,
        k=k,
        labels={"measure": measure_names},
        headings=export.headings,
        kinds=export.kinds,
    )
    return (
        content,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
