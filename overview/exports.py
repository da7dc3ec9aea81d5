"""The evidence pack's XLSX: a summary sheet and one sheet per requirement.

Laid out here (several sheets of mixed rows), every cell defused by the core's
`safe_csv_cell`, and downloaded through the core's audited `file_download`."""

from __future__ import annotations

import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from equity_portal.core.evidence import STATUS_LABELS
from equity_portal.core.exports import file_download, safe_csv_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(code: str, used: set[str]) -> str:
    base = SHEET_UNSAFE.sub("-", code)[:28] or "Requirement"
    title, n = base, 2
    while title.lower() in used:
        title, n = f"{base[:25]}-{n}", n + 1
    used.add(title.lower())
    return title


def _write(sheet, rows: list[list], bold_rows: tuple[int, ...] = (0,)) -> None:
    for row in rows:
        sheet.append([safe_csv_cell(cell) for cell in row])
    for index in bold_rows:
        for cell in sheet[index + 1]:
            cell.font = Font(bold=True)
    for column in range(1, max((len(r) for r in rows), default=0) + 1):
        width = max((len(str(r[column - 1])) for r in rows if len(r) >= column), default=10)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width, 10), 80)


def evidence_workbook(organization, pack, *, base_url: str = "") -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    used = {"summary"}
    rows = [["Code", "Framework", "Requirement", "Status", "Sheet"]]
    sheets = []
    for entry in pack:
        title = _sheet_title(entry.requirement.code, used)
        sheets.append((title, entry))
        rows.append(
            [
                entry.requirement.code,
                entry.requirement.get_framework_display(),
                entry.requirement.title,
                entry.status_label,
                title,
            ]
        )
    _write(summary, rows)
    for title, entry in sheets:
        sheet = workbook.create_sheet(title)
        requirement = entry.requirement
        rows = [
            ["Requirement", f"{requirement.code}: {requirement.title}"],
            ["Framework", requirement.get_framework_display()],
            ["Description", requirement.description],
            ["Status", entry.status_label],
            [],
            ["Record kind", "Kind status", "Summary", "Record", "Detail", "Date", "Link"],
        ]
        for kind in entry.kinds:
            if not kind.items:
                rows.append([kind.label, STATUS_LABELS[kind.status], kind.summary, "", "", "", ""])
            for item in kind.items:
                rows.append(
                    [
                        kind.label,
                        STATUS_LABELS[kind.status],
                        kind.summary,
                        item.label,
                        item.detail,
                        item.date.isoformat() if item.date else "",
                        base_url + item.url if item.url else "",
                    ]
                )
        _write(sheet, rows, bold_rows=(5,))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_download(
    request, *, what: str, content: bytes, filename: str, details: dict
) -> HttpResponse:
    return file_download(request, what=what, content=content, filename=filename, details=details)
