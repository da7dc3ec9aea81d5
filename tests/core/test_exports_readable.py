"""The one CSV/XLSX writer (issues 15 item 9 and 16 item 5): every cell defused against formula
injection; the XLSX readable by people (frozen bold header, labels beside codes, percentages,
thousands separators, fitted widths, a "Read me" sheet); the CSV unchanged for machines."""

import csv
import io
import zipfile

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from equity_portal.core import exports
from equity_portal.core.exports import Column, safe_csv_cell
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

DANGEROUS = [
    "=1+1",
    "+1",
    "-2",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "＝1+1",
    "＋1",
    "－2",
    "＠SUM(A1)",
    "  =1+1",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_formula_prefix_is_defused(text):
    assert safe_csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("North;=HYPERLINK(1)", "North;'=HYPERLINK(1)"),
        ("a; +1", "a; '+1"),
        ("a;＠x", "a;'＠x"),
        ("a;b", "a;b"),
    ],
)
def test_a_formula_after_a_semicolon_is_defused(text, expected):
    """Opened where the list separator is ";", the text after it becomes its own cell."""
    assert safe_csv_cell(text) == expected


def test_plain_values_pass_unchanged():
    assert safe_csv_cell("Black or African American") == "Black or African American"
    assert safe_csv_cell(-3) == -3
    assert safe_csv_cell(0.25) == 0.25
    assert safe_csv_cell(None) == ""


def _semicolon_cells(content: bytes) -> list[str]:
    """How a spreadsheet in a semicolon locale splits the file into cells."""
    return [cell for line in content.decode().splitlines() for cell in line.split(";")]


def test_csv_cells_and_header_are_defused_in_both_locales():
    content = exports.write_csv(["=head", "site"], [["=cmd()", "x;=cmd()"], [-1, 0.5]])
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows == [["'=head", "site"], ["'=cmd()", "x;'=cmd()"], ["-1", "0.5"]]
    for cell in _semicolon_cells(content):
        assert not cell.lstrip('"').startswith(("=", "+", "@")), cell


def _xml_of(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(
            archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")
        )


def test_xlsx_text_cells_are_never_formulas():
    content = exports.write_xlsx(
        [Column("site", "Site"), Column("n", "Patients", exports.COUNT)],
        [{"site": text, "n": 1} for text in DANGEROUS],
        title="t",
        about=[("Extract", "=evil()")],
    )
    assert "<f>" not in _xml_of(content)  # no formula element anywhere
    workbook = load_workbook(io.BytesIO(content))
    # (XML stores a carriage return as a line feed)
    sites = [
        row[0].replace("\n", "\r")
        for row in workbook["Data"].iter_rows(min_row=2, values_only=True)
    ]
    assert sites == ["'" + text for text in DANGEROUS]


def test_xlsx_is_readable():
    columns = [
        Column("measure", "Measure", labels={"FLU": "Flu vaccination"}),
        Column("group", "Group"),
        Column("denominator", "Patients", exports.COUNT),
        Column("rate", "Rate", exports.RATE),
        Column("rate_lower", "Rate, lower 95% limit", exports.RATE),
        Column("rate_upper", "Rate, upper 95% limit", exports.RATE),
    ]
    rows = [
        {
            "measure": "FLU",
            "group": "Black or African American",
            "denominator": 12345,
            "rate": 0.4567,
            "rate_lower": 0.41,
            "rate_upper": 0.5,
        }
    ]
    content = exports.write_xlsx(
        columns, rows, title="Flu results", about=[("Extract", "7")], k=11, sheet="results"
    )
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Read me", "results"]
    assert workbook.active.title == "results"
    sheet = workbook["results"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "Measure",
        "Measure (code)",
        "Group",
        "Patients",
        "Rate",
        "Rate, lower 95% limit",
        "Rate, upper 95% limit",
    ]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    data = sheet[2]
    assert [data[0].value, data[1].value] == ["Flu vaccination", "FLU"]
    assert data[3].value == 12345 and data[3].number_format == "#,##0"
    assert data[4].value == pytest.approx(0.4567)  # the proportion, shown as a percentage
    assert {data[i].number_format for i in (4, 5, 6)} == {"0.0%"}
    group_width = sheet.column_dimensions["C"].width
    assert len("Black or African American") <= group_width <= 60
    readme = {r[0]: r[1] for r in workbook["Read me"].iter_rows(values_only=True) if r and r[0]}
    assert readme["Extract"] == "7"
    assert "below 11" in readme["Suppression"]
    assert "proportions" in readme["Rates"]
    assert readme["Measure"] == "measure"  # the column table: label -> CSV code


def test_csv_keeps_machine_columns_and_codes():
    columns = [Column("measure", "Measure", labels={"FLU": "Flu vaccination"}), Column("rate")]
    content = exports.write_csv(columns, [{"measure": "FLU", "rate": 0.1}])
    assert content.decode().splitlines() == ["measure,rate", "FLU,0.1"]


@pytest.mark.django_db
def test_download_writes_xlsx_and_records_the_export(org, make_member):
    member = make_member(org, Role.ANALYST)
    request = RequestFactory().get("/")
    request.organization, request.user = org, member.user
    response = exports.download(
        request,
        what="thing",
        columns=["a"],
        rows=[["x"], ["y"]],
        file_format="xlsx",
        title="Things",
    )
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == f'attachment; filename="thing-{org.slug}.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    readme = {r[0]: r[1] for r in workbook["Read me"].iter_rows(values_only=True) if r and r[0]}
    assert readme["Organization"] == org.name and readme["Exported by"] == member.user.email
    event = AuditEvent.objects.get(organization=org, action="thing.export")
    assert event.details["rows"] == 2
