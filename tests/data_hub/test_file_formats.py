"""Every accepted encoding and delimiter, and XLSX, end in the same stratified counts."""

import openpyxl
import pytest

from tests.data_hub.factories import HEADERS, counts, ingest, row, write_csv

ROWS = [
    row("TEST-0001", "A1C", "2025-Q1", "1", race="White", lang="Español", site="Café Clinic"),
    row("TEST-0002", "A1C", "2025-Q1", "0", race="Black", lang="spa", site="Café Clinic"),
    row("TEST-0003", "A1C", "2025-Q1", "1", race="Caucasian", lang="en", site="North"),
]


def _expected(extract):
    race = counts(extract, "race")
    assert race[("A1C", "2025-Q1", "White")] == (2, 2)
    assert race[("A1C", "2025-Q1", "Black or African American")] == (0, 1)
    language = counts(extract, "language")
    assert language[("A1C", "2025-Q1", "Spanish")] == (1, 2)
    assert counts(extract, "site")[("A1C", "2025-Q1", "Café Clinic")] == (1, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_each_encoding_is_read(org, measures, tmp_path, encoding):
    path = write_csv(tmp_path / "extract.csv", ROWS, encoding=encoding)

    extract = ingest(org, path)

    assert extract.status == "processed", extract.job.message
    assert extract.rows_accepted == 3
    _expected(extract)


@pytest.mark.django_db
def test_windows_1252_curly_quotes_are_transcoded(org, measures, tmp_path):
    rows = [row("TEST-0001", site="Dr. O\u2019Brien\u2019s \u201cEast\u201d clinic")]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows, encoding="cp1252"))

    assert extract.encoding == "cp1252"
    assert extract.status == "processed"
    assert counts(extract, "site")[
        ("A1C", "2025-Q1", "Dr. O\u2019Brien\u2019s \u201cEast\u201d clinic")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("delimiter", [",", "\t", "|", ";"])
def test_each_delimiter_is_sniffed(org, measures, tmp_path, delimiter):
    path = write_csv(tmp_path / "extract.txt", ROWS, delimiter=delimiter)

    extract = ingest(org, path)

    assert extract.delimiter == delimiter
    assert extract.status == "processed"
    _expected(extract)


@pytest.mark.django_db
def test_xlsx_is_streamed_like_csv(org, measures, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for values in ROWS:
        sheet.append([int(v) if v.isdigit() else v for v in values])
    path = tmp_path / "extract.xlsx"
    workbook.save(path)

    extract = ingest(org, path)

    assert extract.file_format == "xlsx"
    assert extract.status == "processed", extract.job.message
    _expected(extract)
