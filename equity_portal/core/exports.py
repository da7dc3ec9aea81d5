"""CSV downloads shared by every app: formula-safe cells, and an audit event per export."""

import csv
from collections.abc import Iterable, Mapping

from django.http import HttpResponse

from .audit import audit_record

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_cell(value):
    """Text starting with = + - @ (or a tab/CR) is a formula to spreadsheet programs: defuse it
    with a leading apostrophe. Numbers and empty values pass unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_download(
    request,
    *,
    what: str,
    header: list[str],
    rows: Iterable[Iterable],
    filename: str | None = None,
    filters: Mapping | None = None,
) -> HttpResponse:
    """A CSV attachment of `rows`, recorded in the audit log as `<what>.export` (DESIGN §3:
    every export is audited). Call it inside the request, so scoped queries still run."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = filename or f"{what.replace('_', '-')}-{request.organization.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([safe_csv_cell(cell) for cell in row])
        count += 1
    used_filters = {k: str(v) for k, v in (filters or {}).items() if v not in (None, "", False)}
    audit_record(
        organization=request.organization,
        actor=request.user,
        action=f"{what}.export",
        details={"filters": used_filters, "rows": count},
    )
    return response
