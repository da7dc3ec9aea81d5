"""Community data writes: keyword-only, atomic, audited. An upload stores every row or none."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from data_hub.models import DIMENSIONS, Measure
from data_hub.sources import FileTooLarge, Limits, check_xlsx_size
from equity_portal.core import revision
from equity_portal.core.audit import audit_record
from equity_portal.core.models import Organization, User

from .models import CommunityIndicator

REQUIRED_COLUMNS = ("indicator", "geography", "group", "value", "unit", "source", "year")
OPTIONAL_COLUMNS = ("dimension", "measure")
MAX_ROWS = 20_000
MAX_ERRORS = 200
FIELDS = ("indicator", "geography", "dimension", "group", "value", "unit", "source", "year")


class IndicatorImportError(Exception):
    """The upload was refused; `errors` lists messages like "row 3: value is not a number"."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:3]))
        self.errors = errors


@transaction.atomic
def indicator_save(
    *,
    organization: Organization,
    actor: User,
    indicator: CommunityIndicator | None = None,
    data: dict,
) -> CommunityIndicator:
    created = indicator is None
    if created:
        indicator = CommunityIndicator(organization=organization, created_by=actor)
    for name in (*FIELDS, "measure"):
        setattr(indicator, name, data.get(name) if name != "dimension" else data.get(name) or "")
    if indicator.measure is not None and indicator.measure.organization_id != organization.pk:
        raise ValidationError("Unknown measure.")
    indicator.full_clean(exclude=["organization", "created_by"])
    indicator.save()
    audit_record(
        organization=organization,
        actor=actor,
        action="community_indicator.create" if created else "community_indicator.update",
        obj=indicator,
        details={"indicator": indicator.indicator, "year": indicator.year},
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: CommunityIndicator, actor: User) -> None:
    audit_record(
        organization=indicator.organization,
        actor=actor,
        action="community_indicator.delete",
        obj=indicator,
        details={"indicator": indicator.indicator, "year": indicator.year},
    )
    indicator.delete()


def _decode(raw: bytes) -> str:
    for encoding in (
        ("utf-8-sig", "utf-16")
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff")
        else (
            "utf-8-sig",
            "cp1252",
        )
    ):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IndicatorImportError(["The file is not readable text (use UTF-8 or Windows-1252)."])


# Community files are small tables: much lower limits than extracts.
LIMITS = Limits(
    columns=50, rows=MAX_ROWS + 1, cell_chars=2000, uncompressed_mb=50, shared_strings_mb=20
)


def _read_rows(uploaded_file) -> list[list[str]]:
    """The file's rows, or IndicatorImportError with one message: never an exception from a
    damaged or hostile file (XML entities are refused by defusedxml; sizes are checked before
    the workbook is opened)."""
    name = (getattr(uploaded_file, "name", "") or "").lower()
    raw = uploaded_file.read()
    if not raw:
        raise IndicatorImportError(["The file is empty."])
    if name.endswith(".xlsx") or raw[:2] == b"PK":
        try:
            check_xlsx_size(io.BytesIO(raw), LIMITS)
            workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                rows = [
                    ["" if v is None else str(v) for v in row]
                    for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)
                ]
            finally:
                workbook.close()
        except FileTooLarge as error:
            raise IndicatorImportError([str(error)]) from error
        except Exception as error:  # noqa: BLE001 - any unreadable workbook gets one message
            raise IndicatorImportError(["The workbook cannot be read."]) from error
        return _within_limits(rows)
    text = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    previous = csv.field_size_limit(LIMITS.cell_chars)
    try:
        return _within_limits(list(csv.reader(io.StringIO(text), dialect)))
    except csv.Error as error:
        raise IndicatorImportError(
            [
                f"A value is longer than {LIMITS.cell_chars:,} characters, or the file is not a "
                "CSV table (check the delimiter and quotes)."
            ]
        ) from error
    finally:
        csv.field_size_limit(previous)


def _within_limits(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(r) for r in rows[:1]), default=0)
    if width > LIMITS.columns:
        raise IndicatorImportError(
            [f"The file has {width:,} columns; a community data file has at most {LIMITS.columns}."]
        )
    return rows


def _source(value: str) -> str | None:
    key = value.strip().lower()
    for choice, label in CommunityIndicator.Source.choices:
        if key in (choice, label.lower()):
            return choice
    return {
        "local health department": "health_department",
        "lhd": "health_department",
        "health department": "health_department",
    }.get(key)


def indicators_import(*, organization: Organization, actor: User, uploaded_file) -> int:
    """Validate every row (row numbers count the header as row 1), then store all of them
    in one transaction, or raise IndicatorImportError and store nothing."""
    rows = _read_rows(uploaded_file)
    rows = [r for r in rows if any(cell.strip() for cell in r)] if rows else []
    if not rows:
        raise IndicatorImportError(["The file has no header row."])
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise IndicatorImportError([f"Missing column(s): {', '.join(missing)}."])
    if len(rows) - 1 > MAX_ROWS:
        raise IndicatorImportError([f"At most {MAX_ROWS:,} rows per upload."])
    if len(rows) == 1:
        raise IndicatorImportError(["The file has no data rows."])
    measures = {m.code.lower(): m for m in Measure.objects.filter(organization=organization)}
    errors: list[str] = []
    objects: list[CommunityIndicator] = []
    for number, raw in enumerate(rows[1:], start=2):
        cells = {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header)}
        problems = []
        for column in ("indicator", "geography", "unit", "source", "year", "value"):
            if not cells.get(column):
                problems.append(f"{column} is missing")
        value = year = source = measure = None
        if cells.get("value"):
            try:
                value = Decimal(cells["value"].replace(",", ""))
                if not value.is_finite():
                    raise InvalidOperation
                value = value.quantize(Decimal("0.0001"))
                if abs(value) >= Decimal("1e10"):
                    problems.append(f"value {cells['value']!r} is too large")
            except InvalidOperation:
                problems.append(f"value {cells['value']!r} is not a number")
        if cells.get("year"):
            try:
                year = int(float(cells["year"]))
                if not 1900 <= year <= 2100:
                    problems.append(f"year {cells['year']!r} is not between 1900 and 2100")
            except ValueError:
                problems.append(f"year {cells['year']!r} is not a year")
        if cells.get("source"):
            source = _source(cells["source"])
            if source is None:
                problems.append(
                    f"source {cells['source']!r} is not one of CHNA, local health department, "
                    "payer, other"
                )
        dimension = cells.get("dimension", "")
        if dimension and dimension not in DIMENSIONS:
            problems.append(f"dimension {dimension!r} is not one of {', '.join(DIMENSIONS)}")
        if cells.get("measure"):
            measure = measures.get(cells["measure"].lower())
            if measure is None:
                problems.append(f"measure {cells['measure']!r} is not defined")
        for column, limit in (("indicator", 200), ("geography", 200), ("group", 250), ("unit", 60)):
            if len(cells.get(column, "")) > limit:
                problems.append(f"{column} is longer than {limit} characters")
        if problems:
            if len(errors) < MAX_ERRORS:
                errors.append(f"row {number}: " + "; ".join(problems))
            continue
        objects.append(
            CommunityIndicator(
                organization=organization,
                indicator=cells["indicator"],
                geography=cells["geography"],
                dimension=dimension,
                group=cells.get("group", ""),
                value=value,
                unit=cells["unit"],
                source=source,
                year=year,
                measure=measure,
                created_by=actor,
            )
        )
    if errors:
        raise IndicatorImportError(errors)
    with transaction.atomic():
        CommunityIndicator.objects.bulk_create(objects, batch_size=1000)
        revision.bump(organization.pk)  # bulk_create sends no signal
        audit_record(
            organization=organization,
            actor=actor,
            action="community_indicator.import",
            details={"rows": len(objects), "file": getattr(uploaded_file, "name", "")[:120]},
        )
    return len(objects)


def indicators_export_record(*, organization: Organization, actor: User, rows: int) -> None:
    audit_record(
        organization=organization,
        actor=actor,
        action="community_indicator.export",
        details={"rows": rows},
    )
