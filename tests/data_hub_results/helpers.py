"""Readers for the pages and files under test."""

import csv
import io
import json
import re
from datetime import datetime

from openpyxl import load_workbook


def read_csv(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def csv_header(response) -> str:
    return response.content.decode("utf-8").splitlines()[0]


def xlsx_codes(workbook) -> dict[str, str]:
    """{column heading: code} from the "Read me" sheet's column table."""
    rows = list(workbook["Read me"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Column")
    return {r[0]: r[1] for r in rows[start + 1 :] if r and r[0]}


def read_xlsx(response, sheet=None) -> list[dict]:
    """The data sheet's rows keyed by the CSV's column codes; a labelled code column keeps its
    code (the "(code)" column beside the label)."""
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    codes = xlsx_codes(workbook)
    data = workbook[sheet] if sheet else workbook.worksheets[1]
    rows = list(data.iter_rows(values_only=True))
    header = []
    for heading in rows[0]:
        if heading.endswith(" (code)"):
            header.append(codes[heading.removesuffix(" (code)")])
        elif f"{heading} (code)" in rows[0]:
            header.append(f"{codes[heading]}_label")
        else:
            header.append(codes[heading])
    return [
        dict(
            zip(
                header,
                (v.date().isoformat() if isinstance(v, datetime) else v for v in row),
                strict=True,
            )
        )
        for row in rows[1:]
    ]


def chart_payloads(html: str) -> list[dict]:
    return [
        json.loads(m)
        for m in re.findall(
            r'<script id="[^"]*-data" type="application/json">(.*?)</script>', html, re.S
        )
    ]


def row_values(html: str, group: str) -> dict[str, str]:
    """data-col -> data-value of the results-table row of `group`."""
    match = re.search(r'<tr data-group="' + re.escape(group) + r'"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for {group}"
    return dict(re.findall(r'data-col="([^"]+)" data-value="([^"]*)"', match.group(1)))
