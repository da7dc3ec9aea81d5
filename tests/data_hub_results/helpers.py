"""Readers for the pages and files under test."""

import csv
import io
import json
import re

from openpyxl import load_workbook


def read_csv(response) -> list[dict]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def csv_header(response) -> str:
    return response.content.decode("utf-8").splitlines()[0]


def read_xlsx(response, sheet=None) -> list[dict]:
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list((workbook[sheet] if sheet else workbook.worksheets[0]).iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


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
