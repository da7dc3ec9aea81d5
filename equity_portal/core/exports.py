"""Every CSV and XLSX file the product writes, in one place (issues 15 and 16).

- Every text cell is defused against formula injection (`safe_csv_cell`).
- The CSV is machine-first: column codes as the header, codes as values, proportions and
  numbers at full precision, booleans as true/false, dates in ISO format.
- The XLSX is for people: a frozen bold header of labels, fitted column widths, labels beside
  the codes, rates as percentages with one decimal, counts with thousands separators, and a
  "Read me" sheet with provenance and the suppression rule. Values stay numbers (a rate is the
  proportion 0..1 formatted as a percentage), so nothing is lost for machines.
- `download` returns the file as an attachment and records the export in the audit log.

Columns are `Column(key, label, kind)`; rows are sequences in column order or mappings by key.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone

from .audit import audit_record

if TYPE_CHECKING:  # openpyxl loads on the first spreadsheet, not with every process
    from openpyxl import Workbook
    from openpyxl.styles import Font

# Spreadsheet programs read text starting with these as a formula (the full-width forms too,
# in East Asian locales); a tab or carriage return can start one after the cell is split.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# A comma-separated file opened where the list separator is ";" splits cells at ";": a
# formula prefix right after a semicolon would start a new cell.
_AFTER_SEMICOLON = re.compile(r";(\s*)(?=[=+\-@＝＋－＠\t\r])")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

# Column kinds and their XLSX number formats.
TEXT, CODE, COUNT, RATE, NUMBER, DATE, BOOL = (
    "text",
    "code",
    "count",
    "rate",
    "number",
    "date",
    "bool",
)
_NUMBER_FORMATS = {COUNT: "#,##0", RATE: "0.0%", NUMBER: "#,##0.00", DATE: "yyyy-mm-dd"}
_MAX_WIDTH = 60
_WIDTH_SAMPLE = 500


def safe_csv_cell(value):
    """Text a spreadsheet would run as a formula is defused with a leading apostrophe: text
    starting with = + - @ (or their full-width forms, a tab or a carriage return), and a formula
    prefix after a semicolon. Numbers, booleans and empty values pass unchanged."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    if value.lstrip(" ").startswith(FORMULA_PREFIXES):
        value = "'" + value
    if ";" in value:
        value = _AFTER_SEMICOLON.sub(r";\1'", value)
    return value


_DEFUSED_AFTER_SEMICOLON = re.compile(r";(\s*)'(?=[=+\-@＝＋－＠\t\r])")


def restore_cell(value: str) -> str:
    """The inverse of `safe_csv_cell` for text: a file this product exported, imported back,
    gives the values that were exported."""
    if value.startswith("'") and value[1:].lstrip(" ").startswith(FORMULA_PREFIXES):
        value = value[1:]
    if ";" in value:
        value = _DEFUSED_AFTER_SEMICOLON.sub(r";\1", value)
    return value


@dataclass(frozen=True)
class Column:
    """One column: `key` heads the CSV, `label` the XLSX. `labels` maps a code column's values
    to what people read: the XLSX shows the label with the code in the next column."""

    key: str
    label: str = ""
    kind: str = TEXT
    labels: Mapping[str, str] | None = field(default=None, compare=False)

    @property
    def heading(self) -> str:
        return self.label or self.key.replace("_", " ").capitalize()


def columns_of(keys: Iterable[str | Column]) -> list[Column]:
    return [k if isinstance(k, Column) else Column(k) for k in keys]


def _cells(row, columns: Sequence[Column]) -> list:
    if isinstance(row, Mapping):
        return [row.get(c.key) for c in columns]
    return list(row)


# --------------------------------------------------------------------------- CSV


def csv_value(value):
    """One CSV cell: empty for None, true/false, ISO dates, floats at full precision, and
    defused text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int):
        return value
    return safe_csv_cell(str(value))


def write_csv(columns: Iterable[str | Column], rows: Iterable) -> bytes:
    columns = columns_of(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([safe_csv_cell(c.key) for c in columns])
    for row in rows:
        writer.writerow([csv_value(v) for v in _cells(row, columns)])
    return buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- XLSX


def _xlsx_value(value, column: Column):
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.make_naive(value) if timezone.is_aware(value) else value
    if isinstance(value, int | float):  # booleans too: TRUE/FALSE in a spreadsheet
        return value
    if isinstance(value, date):
        return value
    return safe_csv_cell(str(value))


def _expanded(columns: list[Column]) -> list[tuple[Column, bool]]:
    """XLSX columns: (column, shows_label); a column with labels is followed by its codes."""
    out = []
    for column in columns:
        if column.labels is not None:
            out.append((column, True))
            out.append((Column(column.key, f"{column.heading} (code)", CODE), False))
        else:
            out.append((column, False))
    return out


def _append_row(sheet, values: list, *, fonts: Font | None = None) -> None:
    from openpyxl.cell.cell import TYPE_STRING

    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING  # text is never a formula
        if fonts is not None:
            cell.font = fonts


def _fit_widths(sheet, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(_MAX_WIDTH, width + 2)


def _display_width(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == RATE and isinstance(value, int | float):
        return 7
    if kind == COUNT and isinstance(value, int | float):
        return len(f"{value:,.0f}")
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    return len(str(value))


def add_table_sheet(workbook: Workbook, *, title: str, columns, rows: Iterable) -> int:
    """A sheet of labelled columns (frozen bold header, formats, fitted widths); returns the
    number of data rows."""
    from openpyxl.styles import Font

    columns = columns_of(columns)
    sheet = workbook.create_sheet(title[:31])
    layout = _expanded(columns)
    _append_row(sheet, [safe_csv_cell(c.heading) for c, _ in layout], fonts=Font(bold=True))
    widths = [len(c.heading) for c, _ in layout]
    count = 0
    for row in rows:
        values = []
        for column, value in zip(columns, _cells(row, columns), strict=False):
            if column.labels is not None:
                code = "" if value is None else str(value)
                values.append(_xlsx_value(column.labels.get(code, code), column))
                values.append(_xlsx_value(value, Column(column.key, kind=CODE)))
            else:
                values.append(_xlsx_value(value, column))
        _append_row(sheet, values)
        count += 1
        if count <= _WIDTH_SAMPLE:
            for i, ((column, _), value) in enumerate(zip(layout, values, strict=False)):
                widths[i] = max(widths[i], _display_width(value, column.kind))
    for index, (column, _) in enumerate(layout, start=1):
        number_format = _NUMBER_FORMATS.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    _fit_widths(sheet, widths)
    return count


def suppression_rule(k: int | None) -> str:
    if k is None:
        return "No counts in this file are suppressed."
    return (
        f"Counts below {k} (and any number from which one could be worked out) are suppressed: "
        "the row is kept and its numbers are left empty."
    )


def add_readme_sheet(
    workbook: Workbook,
    *,
    title: str,
    about: Iterable[tuple[str, str]] = (),
    k: int | None = None,
    columns: Iterable[Column] = (),
) -> None:
    """The "Read me" sheet: what the file is, where it comes from, the suppression rule, and
    each column's label and code."""
    from openpyxl.styles import Font

    sheet = workbook.create_sheet("Read me", 0)
    bold = Font(bold=True)
    _append_row(sheet, [safe_csv_cell(title)], fonts=Font(bold=True, size=14))
    _append_row(sheet, [])
    for name, value in about:
        _append_row(sheet, [safe_csv_cell(str(name)), safe_csv_cell(str(value))])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    _append_row(sheet, ["Suppression", suppression_rule(k)])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    _append_row(
        sheet,
        [
            "Rates",
            "Rates are proportions (0 to 1) shown as percentages with one decimal; the "
            "interval columns beside a rate are its 95% confidence interval.",
        ],
    )
    sheet.cell(row=sheet.max_row, column=1).font = bold
    columns = list(columns)
    if columns:
        _append_row(sheet, [])
        _append_row(sheet, ["Column", "Code in the CSV file"], fonts=bold)
        for column in columns:
            _append_row(sheet, [safe_csv_cell(column.heading), safe_csv_cell(column.key)])
    _fit_widths(sheet, [28, 90])


def write_xlsx(
    columns: Iterable[str | Column],
    rows: Iterable,
    *,
    title: str,
    sheet: str = "Data",
    about: Iterable[tuple[str, str]] = (),
    k: int | None = None,
    readme: bool = True,
) -> bytes:
    """A workbook with a "Read me" sheet then the data sheet (`readme=False`: the data sheet
    alone, e.g. a file meant to be uploaded again)."""
    from openpyxl import Workbook

    columns = columns_of(columns)
    workbook = Workbook()
    workbook.remove(workbook.active)
    add_table_sheet(workbook, title=sheet, columns=columns, rows=rows)
    if readme:
        add_readme_sheet(workbook, title=title, about=about, k=k, columns=columns)
        workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- downloads


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Counted:
    def __init__(self, rows: Iterable):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def download(
    request,
    *,
    what: str,
    columns: Iterable[str | Column],
    rows: Iterable,
    file_format: str = "csv",
    filename: str | None = None,
    filters: Mapping | None = None,
    title: str = "",
    about: Iterable[tuple[str, str]] = (),
    k: int | None = None,
    obj=None,
    details: Mapping | None = None,
    readme: bool = True,
) -> HttpResponse:
    """`rows` as a CSV or XLSX attachment, recorded in the audit log as `<what>.export`
    (DESIGN §3: every export is audited). Call it inside the request, so scoped queries run."""
    if file_format not in FORMATS:
        raise ValueError(f"unknown file format {file_format!r}")
    organization = request.organization
    counted = _Counted(rows)
    stem = filename or f"{what.replace('_', '-').replace('.', '-')}-{organization.slug}"
    if stem.endswith((".csv", ".xlsx")):
        stem = stem.rsplit(".", 1)[0]
    if file_format == "csv":
        content, content_type = write_csv(columns, counted), CSV_CONTENT_TYPE
    else:
        provenance = [
            ("Organization", organization.name),
            ("Exported", timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
            ("Exported by", getattr(request.user, "email", "") or "system"),
            *about,
        ]
        content = write_xlsx(
            columns,
            counted,
            title=title or what,
            about=provenance,
            k=k,
            sheet=title or "Data",
            readme=readme,
        )
        content_type = XLSX_CONTENT_TYPE
    used_filters = {k_: str(v) for k_, v in (filters or {}).items() if v not in (None, "", False)}
    audit_record(
        organization=organization,
        actor=request.user,
        action=f"{what}.export",
        obj=obj,
        details={"filters": used_filters, "rows": counted.count, **(details or {})},
    )
    return attachment(content, filename=f"{stem}.{file_format}", content_type=content_type)


def file_download(
    request,
    *,
    what: str,
    content: bytes,
    filename: str,
    content_type: str = XLSX_CONTENT_TYPE,
    obj=None,
    details: Mapping | None = None,
) -> HttpResponse:
    """A workbook (or other file) an app laid out itself with defused cells (`safe_csv_cell`),
    as an attachment recorded like every other export."""
    audit_record(
        organization=request.organization,
        actor=request.user,
        action=f"{what}.export",
        obj=obj,
        details=dict(details or {}),
    )
    return attachment(content, filename=filename, content_type=content_type)


def json_download(
    request, *, what: str, payload, filename: str, obj=None, details: Mapping | None = None
) -> HttpResponse:
    """A JSON attachment (e.g. a column mapping), audited like every other export."""
    audit_record(
        organization=request.organization,
        actor=request.user,
        action=f"{what}.export",
        obj=obj,
        details=dict(details or {}),
    )
    content = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
    return attachment(content, filename=filename, content_type="application/json")


def csv_download(
    request,
    *,
    what: str,
    header: list[str],
    rows: Iterable[Iterable],
    filename: str | None = None,
    filters: Mapping | None = None,
) -> HttpResponse:
    """A CSV attachment of `rows` (sequences in `header` order), audited: see `download`."""
    return download(
        request, what=what, columns=header, rows=rows, filename=filename, filters=filters
    )
