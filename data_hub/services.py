"""Data hub writes and workflows: measures, uploads, mappings, value maps, and the ingest and
re-stratify jobs. Keyword-only, audited in the same transaction, `<entity>_<action>` names.

The job body (`extract_process`) validates everything before anything is stored; results are
replaced delete-then-insert in one atomic block keyed by the extract, so a retry or a second run
yields the same rows. Progress is written outside that block so pages see it while it runs.
"""

import contextlib
import csv
import gc
import importlib
import io
import json
import logging
import shutil
import sys
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from duckdb import __version__ as duckdb_version

import equity_stats
from equity_portal.core import revision
from equity_portal.core.audit import audit_record
from equity_portal.core.exports import restore_cell
from equity_portal.core.jobs import (
    job_active_for,
    job_claim,
    job_create,
    job_finish,
    job_progress,
    job_requeue,
)
from equity_portal.core.models import Job, Organization, User
from equity_portal.core.pseudonymize import organization_key

from . import engine, mapping, selectors, storage, timings
from .defaults import default_value_maps, normalize_key
from .models import (
    COUNT_FIELDS,
    DEFAULT_INTERSECTIONS,
    DIMENSIONS,
    INTERSECTION_SEPARATOR,
    ColumnMapping,
    Extract,
    ExtractProvenance,
    HubSettings,
    Measure,
    StratifiedCount,
    ValueMapEntry,
)
from .quality.services import quality_store
from .sources import (
    Limits,
    UnreadableFile,
    inspect_file,
    prepare_for_duckdb,
    transcode_windows_1252,
)

logger = logging.getLogger(__name__)

BULK_BATCH = 2000
PROCESS_JOB = "data_hub.process_extract"
RESTRATIFY_JOB = "data_hub.restratify_extract"
INSPECT_JOB = "data_hub.inspect_extract"
EXTRACT_OBJECT = "data_hub.extract"
# Statuses in which a job works on the extract: its raw file is not purged then.
ACTIVE_STATUSES = ("inspecting", "queued", "processing")
GENERIC_FAILURE = (
    "Processing stopped because of an internal error. Nothing was stored. Retry; if it fails "
    "again, contact your portal administrator."
)
try:  # the statistics engine (issue 4) may not be installed everywhere yet
    from equity_stats import METHOD_VERSION
except ImportError:  # pragma: no cover
    METHOD_VERSION = ""

SOCIAL_NEED_NAMES = {
    "food": "Food insecurity",
    "housing": "Housing instability",
    "transportation": "Transportation needs",
    "utilities": "Utility needs",
    "safety": "Interpersonal safety",
}


# --------------------------------------------------------------------------------------------
# Settings and value maps


def hub_settings_get(*, organization: Organization) -> HubSettings:
    settings_row, _ = HubSettings.objects.get_or_create(
        organization=organization, defaults={"intersections": list(DEFAULT_INTERSECTIONS)}
    )
    return settings_row


def value_maps_seed_defaults(*, organization: Organization) -> int:
    """Give an organization the default value maps (idempotent: existing entries stay)."""
    entries = [
        ValueMapEntry(
            organization=organization,
            family=family,
            source_value=source[:200],
            target=target,
            is_default=True,
        )
        for family, values in default_value_maps().items()
        for source, target in values.items()
    ]
    created = ValueMapEntry.objects.bulk_create(
        entries, batch_size=BULK_BATCH, ignore_conflicts=True
    )
    revision.bump(organization.pk)  # bulk_create sends no signal
    hub_settings_get(organization=organization)
    return len(created)


def value_maps_for(*, organization: Organization) -> dict[str, dict[str, str]]:
    if not ValueMapEntry.objects.filter(organization=organization).exists():
        value_maps_seed_defaults(organization=organization)
    maps: dict[str, dict[str, str]] = {f: {} for f in ValueMapEntry.Family.values}
    for family, source, target in ValueMapEntry.objects.filter(
        organization=organization
    ).values_list("family", "source_value", "target"):
        maps[family][source] = target
    return maps


def _bump_value_map_version(organization: Organization) -> int:
    hub = hub_settings_get(organization=organization)
    hub.value_map_version += 1
    hub.save(update_fields=["value_map_version"])
    return hub.value_map_version


@transaction.atomic
def value_map_entry_set(
    *, organization: Organization, family: str, source_value: str, target: str, actor: User
) -> ValueMapEntry:
    key = normalize_key(source_value)
    if family not in ValueMapEntry.Family.values:
        raise ValidationError("Choose one of the value-map families.")
    if not key or not target.strip():
        raise ValidationError("Both the source value and the standard label are required.")
    if not ValueMapEntry.objects.filter(organization=organization).exists():
        value_maps_seed_defaults(organization=organization)  # an edit keeps the defaults
    entry, _ = ValueMapEntry.objects.update_or_create(
        organization=organization,
        family=family,
        source_value=key,
        defaults={"target": target.strip(), "is_default": False},
    )
    version = _bump_value_map_version(organization)
    audit_record(
        organization=organization,
        actor=actor,
        action="value_map.set",
        obj=entry,
        details={"family": family, "source": key, "target": entry.target, "version": version},
    )
    return entry


@transaction.atomic
def value_map_entry_delete(*, entry: ValueMapEntry, actor: User) -> None:
    organization = entry.organization
    details = {"family": entry.family, "source": entry.source_value}
    audit_record(
        organization=organization,
        actor=actor,
        action="value_map.delete",
        obj=entry,
        details=details,
    )
    entry.delete()
    _bump_value_map_version(organization)


VALUE_MAP_COLUMNS = ("family", "source_value", "category")
# Families whose categories are not a fixed list: any language name is a standard name.
OPEN_FAMILIES = ("language",)


def _value_map_rows(text: str) -> list[tuple[int, str, str, str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    if "target" in header and "category" not in header:
        header[header.index("target")] = "category"
    if not set(VALUE_MAP_COLUMNS) <= set(header):
        raise ValidationError("The value-map file needs the columns family,source_value,category.")
    index = {name: header.index(name) for name in VALUE_MAP_COLUMNS}
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = [
            cells[index[c]].strip() if index[c] < len(cells) else "" for c in VALUE_MAP_COLUMNS
        ]
        # A value defused on export ("'=x") comes back as it was.
        rows.append((number, values[0].lower(), restore_cell(values[1]), values[2]))
    return rows


def value_maps_import_csv(
    *, organization: Organization, text: str, actor: User | None
) -> dict[str, list]:
    """Add or change value-map entries from `family,source_value,category` rows (what the
    export writes). Every row is checked first: an unknown family or category (languages are
    an open list: a new language name is accepted), or a missing
    value, refuses the whole file with the row numbers. Returns {"added": [(family, value,
    category)], "changed": [(family, value, old, new)], "unchanged": [...]}; one audit event."""
    categories = selectors.value_map_categories(organization=organization)
    lookup = {f: {c.casefold(): c for c in cats} for f, cats in categories.items()}
    problems: list[str] = []
    wanted: dict[tuple[str, str], tuple[int, str]] = {}
    for number, family, source, category in _value_map_rows(text):
        if family not in ValueMapEntry.Family.values:
            problems.append(
                f"Row {number}: family “{family}” is not one of: "
                f"{', '.join(ValueMapEntry.Family.values)}."
            )
            continue
        key = normalize_key(source)
        if not key:
            problems.append(f"Row {number}: the source value is empty.")
            continue
        target = lookup[family].get(category.strip().casefold())
        if target is None and family in OPEN_FAMILIES and category.strip():
            target = category.strip()  # a language not listed yet is still a language
            lookup[family][target.casefold()] = target
        if target is None:
            problems.append(
                f"Row {number}: “{category}” is not a {family} category. Use one of: "
                f"{', '.join(categories[family])}."
            )
            continue
        earlier = wanted.get((family, key))
        if earlier is not None and earlier[1] != target:
            problems.append(
                f"Row {number}: “{source}” is mapped to {earlier[1]} in row {earlier[0]} "
                f"and to {target} here."
            )
            continue
        wanted[(family, key)] = (number, target)
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(f"… and {len(problems) - 20} more problems.")
        raise ValidationError(shown)
    current = {
        (e.family, e.source_value): e
        for e in ValueMapEntry.objects.filter(organization=organization)
    }
    report: dict[str, list] = {"added": [], "changed": [], "unchanged": []}
    with transaction.atomic():
        for (family, key), (_, target) in wanted.items():
            entry = current.get((family, key))
            if entry is None:
                ValueMapEntry.objects.create(
                    organization=organization, family=family, source_value=key, target=target
                )
                report["added"].append((family, key, target))
            elif entry.target != target:
                report["changed"].append((family, key, entry.target, target))
                entry.target, entry.is_default = target, False
                entry.save(update_fields=["target", "is_default", "updated_at"])
            else:
                report["unchanged"].append((family, key, target))
        version = None
        if report["added"] or report["changed"]:
            version = _bump_value_map_version(organization)
        audit_record(
            organization=organization,
            actor=actor,
            action="value_map.import",
            details={
                "added": len(report["added"]),
                "changed": len(report["changed"]),
                "unchanged": len(report["unchanged"]),
                "changes": [list(c) for c in (report["added"] + report["changed"])[:200]],
                "version": version,
            },
        )
    return report


@transaction.atomic
def hub_settings_update(
    *, organization: Organization, intersections: list[str], actor: User
) -> HubSettings:
    normalized = []
    for item in intersections:
        parts = [p.strip() for p in item.split(INTERSECTION_SEPARATOR)]
        parts = [p for p in DIMENSIONS if p in parts]  # canonical order
        if len(parts) != 2:
            raise ValidationError(f"“{item}” is not an intersection of two dimensions.")
        normalized.append(INTERSECTION_SEPARATOR.join(parts))
    hub = hub_settings_get(organization=organization)
    hub.intersections = sorted(set(normalized), key=normalized.index)
    hub.save(update_fields=["intersections"])
    audit_record(
        organization=organization,
        actor=actor,
        action="data_hub.settings",
        obj=hub,
        details={"intersections": hub.intersections},
    )
    return hub


# --------------------------------------------------------------------------------------------
# Measures


def measure_aliases(*, organization: Organization) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for code, name in Measure.objects.filter(organization=organization).values_list("code", "name"):
        aliases.setdefault(normalize_key(name), code)
    for code in Measure.objects.filter(organization=organization).values_list("code", flat=True):
        aliases[normalize_key(code)] = code
    return aliases


def _reference_setting(rule: str, group: str) -> dict:
    if rule not in Measure.ReferenceRule.values:
        raise ValidationError(
            f"Reference must be one of: {', '.join(Measure.ReferenceRule.values)}."
        )
    group = (group or "").strip()
    if rule != Measure.ReferenceRule.NAMED:
        return {"reference_rule": rule, "reference_group": ""}
    if not group:
        raise ValidationError("Name the reference group, e.g. White or English.")
    if group in equity_stats.NOT_COMPARED:
        raise ValidationError(
            f"{group} is shown but never compared, so it cannot be the reference."
        )
    return {"reference_rule": rule, "reference_group": group}


@transaction.atomic
def measure_save(
    *,
    organization: Organization,
    actor: User | None,
    code: str,
    name: str,
    direction: str = Measure.Direction.HIGHER,
    category: str = Measure.Category.QUALITY,
    description: str = "",
    steward: str = "",
    reference_rule: str | None = None,
    reference_group: str = "",
) -> tuple[Measure, bool]:
    """Define or update a measure by its code. `reference_rule` None keeps the measure's
    reference setting (an import of codes and names does not reset it)."""
    code = code.strip()
    if not code or not name.strip():
        raise ValidationError("A measure needs a code and a name.")
    if direction not in Measure.Direction.values:
        raise ValidationError(f"Direction must be one of: {', '.join(Measure.Direction.values)}.")
    if category not in Measure.Category.values:
        raise ValidationError(f"Category must be one of: {', '.join(Measure.Category.values)}.")
    defaults = {
        "name": name.strip(),
        "direction": direction,
        "category": category,
        "description": description,
        "steward": steward,
    }
    if reference_rule is not None:
        defaults.update(_reference_setting(reference_rule, reference_group))
    before = (
        Measure.objects.filter(organization=organization, code=code)
        .values_list("direction", "reference_rule", "reference_group")
        .first()
    )
    measure, created = Measure.objects.update_or_create(
        organization=organization, code=code, defaults=defaults
    )
    after = (measure.direction, measure.reference_rule, measure.reference_group)
    if before is not None and tuple(before) != after:
        # Direction and reference decide published numbers: publish them again.
        from .results import publishing  # pandas loads with the first publication

        publishing.results_republish_soon(organization=organization)
    audit_record(
        organization=organization,
        actor=actor,
        action="measure.create" if created else "measure.update",
        obj=measure,
        details={"code": code},
    )
    return measure, created


def _choice(choices: type, value: str) -> str | None:
    """The code of a choice given its code or its label, in any letter case and spacing
    ("Preventive screening", "preventive_screening", "Higher is better")."""
    wanted = normalize_key(value).replace("_", " ")
    for code, label in choices.choices:
        if wanted in (normalize_key(code).replace("_", " "), normalize_key(label)):
            return code
    return None


def _choice_names(choices: type) -> str:
    return ", ".join(f"{label} ({code})" for code, label in choices.choices)


def measures_import_csv(
    *, organization: Organization, text: str, actor: User | None
) -> tuple[int, int]:
    """Columns code,name,direction,category (plus optional description, steward); direction
    and category by code or label, any letter case. All rows are checked before any is saved.
    Returns (created, updated)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    required = {"code", "name", "direction", "category"}
    if not reader.fieldnames or not required <= {f.strip().lower() for f in reader.fieldnames}:
        raise ValidationError("The measures file needs the columns code,name,direction,category.")
    rows = []
    for number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        direction = _choice(Measure.Direction, row["direction"])
        if direction is None:
            raise ValidationError(
                f"Row {number}: direction “{row['direction']}” is not one of: "
                f"{_choice_names(Measure.Direction)}."
            )
        category = _choice(Measure.Category, row["category"])
        if category is None:
            raise ValidationError(
                f"Row {number}: category “{row['category']}” is not one of: "
                f"{_choice_names(Measure.Category)}."
            )
        if not row["code"] or not row["name"]:
            raise ValidationError(f"Row {number}: code and name are required.")
        rows.append({**row, "direction": direction, "category": category})
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            _, was_created = measure_save(
                organization=organization,
                actor=actor,
                code=row["code"],
                name=row["name"],
                direction=row["direction"],
                category=row["category"],
                description=row.get("description", ""),
                steward=row.get("steward", ""),
            )
            created += was_created
            updated += not was_created
    return created, updated


# --------------------------------------------------------------------------------------------
# Upload and mapping


def _max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def upload_limits() -> Limits:
    return Limits(
        columns=settings.UPLOAD_MAX_COLUMNS,
        rows=settings.UPLOAD_MAX_ROWS,
        cell_chars=settings.UPLOAD_MAX_CELL_CHARS,
        uncompressed_mb=settings.UPLOAD_MAX_UNCOMPRESSED_MB,
        shared_strings_mb=settings.UPLOAD_MAX_SHARED_STRINGS_MB,
    )


def _guess_format(name: str, path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(4)
    return "xlsx" if name.lower().endswith(".xlsx") or head == b"PK\x03\x04" else "csv"


def extract_upload(
    *, organization: Organization, uploaded_file, actor: User | None, inspect_now: bool = True
) -> Extract:
    """Stream the upload to private storage in chunks and record the extract (audited), with an
    "inspect" job that reads its header and preview under the upload limits.

    The web request passes `inspect_now=False`: it only stores the file, and the worker reads it
    (a workbook that expands to gigabytes must never be opened by the web process). Commands
    and the demo inspect at once; then an unreadable file raises ValidationError with the
    job's message (its extract stays, failed, with its raw file deleted)."""
    name = Path(getattr(uploaded_file, "name", "extract.csv")).name[:255] or "extract.csv"
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    relative = storage.new_upload_path(organization.pk, suffix)
    path = storage.absolute(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    try:
        with open(path, "wb") as out:
            for chunk in uploaded_file.chunks():
                size += len(chunk)
                if size > _max_upload_bytes():
                    raise UnreadableFile(
                        f"The file is larger than the {settings.MAX_UPLOAD_MB} MB upload limit."
                    )
                out.write(chunk)
    except UnreadableFile as error:
        path.unlink(missing_ok=True)  # never stored: no extract, nothing left on disk
        raise ValidationError(str(error)) from error
    try:
        with transaction.atomic():
            extract = Extract.objects.create(
                organization=organization,
                original_name=name,
                file_format=_guess_format(name, path),
                size_bytes=size,
                raw_path=relative,
                raw_delete_after=timezone.now() + timedelta(hours=settings.RAW_UPLOAD_MAX_HOURS),
                status=Extract.Status.INSPECTING,
                uploaded_by=actor,
            )
            job = job_create(
                organization=organization,
                kind=INSPECT_JOB,
                created_by=actor,
                object_type=EXTRACT_OBJECT,
                object_id=extract.pk,
            )
            extract.job = job
            extract.save(update_fields=["job"])
            audit_record(
                organization=organization,
                actor=actor,
                action="extract.upload",
                obj=extract,
                details={"name": name, "bytes": size},
            )
            if not inspect_now:
                _enqueue(job)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if inspect_now:
        extract_inspect(job_id=job.pk)
        extract.refresh_from_db()
        if extract.status == Extract.Status.FAILED:
            job.refresh_from_db()
            raise ValidationError(job.message)
    return extract


def _preview_path(extract: Extract) -> str:
    return f"{extract.raw_path}.preview.json"


def extract_inspect(*, job_id: int, take_over: bool = False) -> None:
    """The inspect job: format, encoding, delimiter, header and preview rows, under the limits.
    The preview is kept next to the raw file (private storage, deleted with it), never in the
    database. A file that can never be processed fails the job with one message, and its raw
    file is deleted at once."""
    job = _claim(job_id, take_over)
    if job is None:
        return
    with scope(organization=job.organization):
        extract = _extract_for(job)
        job_progress(job_id=job.pk, phase="reading", percent=10)
        try:
            if extract.raw_deleted_at or not storage.absolute(extract.raw_path).exists():
                raise UnreadableFile("The uploaded file is no longer available; upload it again.")
            info = inspect_file(storage.absolute(extract.raw_path), upload_limits())
        except OperationalError:
            raise
        except UnreadableFile as error:
            _inspect_failed(extract, job, str(error))
            return
        except Exception as error:  # noqa: BLE001 - the user sees a known message only
            logger.error("inspect of extract %s failed: %s", extract.pk, type(error).__name__)
            _inspect_failed(
                extract, job, "The file could not be read. Export it again as CSV or .xlsx."
            )
            return
        preview = storage.absolute(_preview_path(extract))
        preview.write_text(json.dumps(info["preview"]), encoding="utf-8")
        with transaction.atomic():
            Extract.objects.filter(pk=extract.pk).update(
                status=Extract.Status.UPLOADED,
                file_format=info["file_format"],
                encoding=info["encoding"],
                delimiter=info["delimiter"],
                headers=info["headers"],
                header_signature=mapping.header_signature(info["headers"]),
            )
            revision.bump(extract.organization_id)
            audit_record(
                organization=extract.organization,
                actor=job.created_by,
                action="extract.inspect",
                obj=extract,
                details={
                    "job": job.pk,
                    "format": info["file_format"],
                    "encoding": info["encoding"],
                    "columns": len(info["headers"]),
                },
            )
        job_finish(
            job_id=job.pk,
            status=Job.Status.SUCCEEDED,
            message=f"{len(info['headers'])} columns found. Map them to the portal's fields.",
        )


def _inspect_failed(extract: Extract, job: Job, message: str) -> None:
    with transaction.atomic():
        _delete_raw(extract)  # it can never be processed: do not keep PHI for nothing
        extract.status = Extract.Status.FAILED
        extract.save(update_fields=["status", "raw_deleted_at"])
        audit_record(
            organization=extract.organization,
            actor=job.created_by,
            action="extract.unreadable",
            obj=extract,
            details={"job": job.pk, "raw_deleted": True},
        )
    job_finish(job_id=job.pk, status=Job.Status.FAILED, message=message)


def extract_preview(*, extract: Extract) -> list[list[str]]:
    """The first rows of the raw file for the mapping page, as the inspect job kept them
    (the web process never opens the upload itself)."""
    if extract.raw_deleted_at or not extract.raw_path:
        return []
    try:
        rows = json.loads(storage.absolute(_preview_path(extract)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [[str(cell) for cell in row] for row in rows if isinstance(row, list)]


def mapping_suggestion(*, extract: Extract) -> dict:
    """The config to show first: the remembered one for this header signature, else
    suggestions from common EHR names."""
    remembered = ColumnMapping.objects.filter(
        organization=extract.organization, header_signature=extract.header_signature, name=""
    ).first()
    if remembered and not mapping.validate_config(remembered.config, extract.headers):
        return {**remembered.config, "remembered": True}
    columns = mapping.suggest(extract.headers, measure_aliases(organization=extract.organization))
    return {"format": mapping.guess_format(columns), "columns": columns, "date_period": "month"}


def _clean_config(config: dict, headers: list[str]) -> dict:
    problems = mapping.validate_config(config, headers)
    if problems:
        raise ValidationError(problems)
    return {
        "format": config.get("format", mapping.LONG),
        "columns": {h: t for h, t in (config.get("columns") or {}).items() if t},
        "date_period": config.get("date_period", "month"),
    }


def _enqueue(job: Job) -> None:
    from . import tasks  # tasks import this module

    task = {
        PROCESS_JOB: tasks.process_extract,
        RESTRATIFY_JOB: tasks.restratify_extract,
        INSPECT_JOB: tasks.inspect_extract,
    }[job.kind]
    transaction.on_commit(lambda: task.delay(job.pk))


@transaction.atomic
def extract_map_columns(
    *, extract: Extract, config: dict, actor: User | None, save_as: str = "", enqueue: bool = True
) -> Extract:
    """Store the mapping (remembered by header signature, optionally saved by name) and queue
    the processing job. A second submission while a job is active (a double click) changes
    nothing and answers with that job: the database holds at most one active job per extract."""
    # Lock the extract's row (a concurrent submission waits here), then read it afresh.
    list(Extract.objects.select_for_update().filter(pk=extract.pk).values_list("pk"))
    extract.refresh_from_db()
    if job_active_for(object_type=EXTRACT_OBJECT, object_id=extract.pk) is not None:
        return extract
    if extract.status not in (
        Extract.Status.UPLOADED,
        Extract.Status.FAILED,
        Extract.Status.WAITING,
        Extract.Status.PROCESSED,
    ):
        raise ValidationError("This extract is being processed; wait for the job to finish.")
    if extract.raw_deleted_at:
        raise ValidationError("The uploaded file was deleted after processing; upload it again.")
    clean = _clean_config(config, extract.headers)
    organization = extract.organization
    remembered, _ = ColumnMapping.objects.update_or_create(
        organization=organization,
        header_signature=extract.header_signature,
        name="",
        defaults={"config": clean, "created_by": actor},
    )
    used = remembered
    if save_as.strip():
        used, _ = ColumnMapping.objects.update_or_create(
            organization=organization,
            name=save_as.strip()[:120],
            defaults={
                "config": clean,
                "header_signature": extract.header_signature,
                "created_by": actor,
            },
        )
    extract.mapping = used
    extract.mapping_config = clean
    extract.status = Extract.Status.QUEUED
    extract.accept_rejections = False
    try:
        with transaction.atomic():
            job = job_create(
                organization=organization,
                kind=PROCESS_JOB,
                created_by=actor,
                object_type=EXTRACT_OBJECT,
                object_id=extract.pk,
            )
    except IntegrityError:  # a concurrent submission won: answer with its job
        extract.refresh_from_db()
        return extract
    extract.job = job
    extract.save(update_fields=["mapping", "mapping_config", "status", "accept_rejections", "job"])
    audit_record(
        organization=organization,
        actor=actor,
        action="extract.map",
        obj=extract,
        details={
            "mapping": used.name or "remembered",
            "format": clean["format"],
            "columns": len(clean["columns"]),
        },
    )
    if enqueue:
        _enqueue(job)
    return extract


@transaction.atomic
def column_mapping_import(
    *, organization: Organization, name: str, payload: str, actor: User | None
) -> ColumnMapping:
    try:
        data = json.loads(payload)
    except (ValueError, TypeError) as error:
        raise ValidationError("The mapping file is not valid JSON.") from error
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ValidationError("The mapping file needs a “columns” object (header -> field).")
    if len(data["columns"]) > settings.UPLOAD_MAX_COLUMNS:
        raise ValidationError(
            f"The mapping names {len(data['columns']):,} columns; an extract has at most "
            f"{settings.UPLOAD_MAX_COLUMNS:,}."
        )
    config = {
        "format": data.get("format", mapping.LONG),
        "columns": {str(k): str(v) for k, v in data["columns"].items() if v},
        "date_period": data.get("date_period", "month"),
    }
    problems = mapping.validate_config(config, list(config["columns"]))
    if problems:
        shown = [str(p)[:200] for p in problems[:5]]
        if len(problems) > 5:
            shown.append(f"and {len(problems) - 5:,} more problems.")
        raise ValidationError(shown)
    name = (name or data.get("name") or "").strip()[:120]
    if not name:
        raise ValidationError("Give the imported mapping a name.")
    saved, _ = ColumnMapping.objects.update_or_create(
        organization=organization,
        name=name,
        defaults={
            "config": config,
            "header_signature": mapping.header_signature(list(config["columns"])),
            "created_by": actor,
        },
    )
    audit_record(
        organization=organization,
        actor=actor,
        action="mapping.import",
        obj=saved,
        details={"name": name},
    )
    return saved


def column_mapping_export(*, column_mapping: ColumnMapping) -> dict:
    """The mapping as JSON; the view sends it through `exports.json_download` (audited as
    `column_mapping.export`)."""
    return {"name": column_mapping.name, **column_mapping.config}


def extract_viewed(*, extract: Extract, actor: User | None, page: str) -> None:
    """The extract's report and mapping pages show raw preview rows and rejected values:
    every view is recorded (DESIGN §3)."""
    audit_record(
        organization=extract.organization,
        actor=actor,
        action=f"extract.view_{page}",
        obj=extract,
    )


# --------------------------------------------------------------------------------------------
# Decisions while an extract waits, retry, discard, re-stratify


def _requeue(extract: Extract, actor: User | None, action: str, details: dict) -> None:
    job = extract.job
    if job is None or not job_requeue(job=job):
        raise ValidationError("This extract has no finished job to run again.")
    if job.kind == PROCESS_JOB:  # a re-stratification leaves the stored results in place
        extract.status = Extract.Status.QUEUED
    elif job.kind == INSPECT_JOB:
        extract.status = Extract.Status.INSPECTING
    extract.save(update_fields=["status", "accept_rejections", "rejected_measure_codes"])
    audit_record(
        organization=extract.organization, actor=actor, action=action, obj=extract, details=details
    )
    _enqueue(job)


@transaction.atomic
def extract_retry(*, extract: Extract, actor: User | None) -> None:
    if extract.job is None or extract.job.status != Job.Status.FAILED:
        raise ValidationError("Only a failed job can be retried.")
    _requeue(extract, actor, "extract.retry", {"job": extract.job_id})


@transaction.atomic
def extract_accept_rejections(*, extract: Extract, actor: User | None) -> None:
    if extract.status != Extract.Status.WAITING:
        raise ValidationError("This extract is not waiting for a decision.")
    extract.accept_rejections = True
    _requeue(extract, actor, "extract.accept_rejections", {"rejected": extract.rows_rejected})


@transaction.atomic
def extract_resolve_measures(
    *, extract: Extract, define: list[dict], reject: list[str], actor: User | None
) -> None:
    """Define the extract's undefined measure codes or reject them (their rows are skipped),
    then run the job again."""
    if extract.status != Extract.Status.WAITING or not extract.undefined_measure_codes:
        raise ValidationError("This extract has no undefined measures waiting.")
    pending = {normalize_key(c) for c in extract.undefined_measure_codes}
    decided = {normalize_key(d["code"]) for d in define} | {normalize_key(c) for c in reject}
    if pending - decided:
        raise ValidationError("Define or reject every listed measure code.")
    for item in define:
        measure_save(organization=extract.organization, actor=actor, **item)
    extract.rejected_measure_codes = sorted(
        set(extract.rejected_measure_codes) | {normalize_key(c) for c in reject}
    )
    extract.undefined_measure_codes = []
    extract.save(update_fields=["undefined_measure_codes"])
    _requeue(
        extract,
        actor,
        "extract.measures_resolved",
        {"defined": len(define), "rejected": len(reject)},
    )


@transaction.atomic
def extract_discard(*, extract: Extract, actor: User | None) -> None:
    job_failed = extract.job is not None and extract.job.status == Job.Status.FAILED
    if not job_failed and extract.status not in (
        Extract.Status.WAITING,
        Extract.Status.FAILED,
        Extract.Status.UPLOADED,
    ):
        raise ValidationError("Only an extract that is not stored can be discarded.")
    extract.status = Extract.Status.DISCARDED
    _delete_raw(extract)
    extract.save(update_fields=["status", "raw_deleted_at"])
    audit_record(
        organization=extract.organization, actor=actor, action="extract.discard", obj=extract
    )


@transaction.atomic
def extract_restratify(*, extract: Extract, actor: User | None) -> Job:
    if extract.status != Extract.Status.PROCESSED or not extract.parquet_path:
        raise ValidationError("Only a processed extract can be re-stratified.")
    active = job_active_for(object_type=EXTRACT_OBJECT, object_id=extract.pk)
    if active is not None:
        return active
    job = job_create(
        organization=extract.organization,
        kind=RESTRATIFY_JOB,
        created_by=actor,
        object_type=EXTRACT_OBJECT,
        object_id=extract.pk,
    )
    extract.job = job
    extract.save(update_fields=["job"])
    audit_record(
        organization=extract.organization,
        actor=actor,
        action="extract.restratify_requested",
        obj=extract,
    )
    _enqueue(job)
    return job


def _delete_raw(extract: Extract) -> None:
    if extract.raw_path and not extract.raw_deleted_at:
        storage.delete(extract.raw_path)
        storage.delete(_preview_path(extract))
        extract.raw_deleted_at = timezone.now()


def extracts_purge_raw(*, organization: Organization | None = None) -> int:
    """Delete raw uploads whose time has passed: processed ones after the organization's
    retention, never-processed ones (needing a mapping, waiting, failed, discarded) after
    RAW_UPLOAD_MAX_HOURS. Not while a job works on the file. Returns how many were deleted.
    Run by the periodic task (Celery beat) and by `manage.py purge_raw_extracts`."""
    with scopes_disabled():
        due = Extract.objects.filter(
            raw_deleted_at__isnull=True, raw_delete_after__lte=timezone.now()
        ).exclude(status__in=ACTIVE_STATUSES)
        if organization is not None:
            due = due.filter(organization=organization)
        count = 0
        for extract in due.select_related("organization"):
            with transaction.atomic():
                _delete_raw(extract)
                extract.save(update_fields=["raw_deleted_at"])
                audit_record(
                    organization=extract.organization,
                    actor=None,
                    action="extract.raw_purged",
                    obj=extract,
                    details={"status": extract.status},
                )
            count += 1
    return count


def extract_job_failed(sender, job: Job, **kwargs) -> None:
    """Receiver of core's `job_failed`: the core gave up on an extract's job (its worker was
    lost too often, or its retries ran out). The extract then shows as failed, so that the
    job can be retried or the extract discarded."""
    if job.object_type != EXTRACT_OBJECT or job.kind == RESTRATIFY_JOB:
        return
    with scope(organization=job.organization):
        Extract.objects.filter(
            pk=int(job.object_id), job_id=job.pk, status__in=ACTIVE_STATUSES
        ).update(status=Extract.Status.FAILED)
        revision.bump(job.organization_id)


# --------------------------------------------------------------------------------------------
# The jobs


def _claim(job_id: int, take_over: bool) -> Job | None:
    if not job_claim(job_id=job_id, allow_stale_running=take_over):
        return None  # another delivery has it, or it is already done
    with scopes_disabled():
        return Job.objects.select_related("organization").get(pk=job_id)


def _extract_for(job: Job) -> Extract:
    return Extract.objects.select_related("organization").get(
        organization=job.organization, pk=int(job.object_id)
    )


def extract_process(*, job_id: int, take_over: bool = False) -> None:
    """The ingest job: reading, validating, aggregating, saving."""
    job = _claim(job_id, take_over)
    if job is None:
        return
    with scope(organization=job.organization):
        extract = _extract_for(job)
        work = storage.work_dir(extract, job.pk)
        try:
            with _fewer_collections():
                _process(extract, job, work)
        except OperationalError:
            raise  # transient: the task retries
        except (UnreadableFile, engine.IngestError) as error:
            _fail(extract, job, str(error))
        except Exception as error:  # noqa: BLE001 - the user sees a known message only
            # The exception text may quote raw rows (PHI): log its type only.
            logger.error("extract %s job %s failed: %s", extract.pk, job.pk, type(error).__name__)
            _fail(extract, job, GENERIC_FAILURE)
        finally:
            storage.remove_tree(work)


def _fail(extract: Extract, job: Job, message: str) -> None:
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.FAILED)
    revision.bump(extract.organization_id)
    job_finish(job_id=job.pk, status=Job.Status.FAILED, message=message)


def _wait(extract: Extract, job: Job, message: str, fields: dict) -> None:
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.WAITING, **fields)
    revision.bump(extract.organization_id)
    job_finish(job_id=job.pk, status=Job.Status.WAITING, message=message)


def _progress(job_id: int):
    def report(phase: str, rows_done=None, rows_total=None, percent=None):
        job_progress(
            job_id=job_id, phase=phase, rows_done=rows_done, rows_total=rows_total, percent=percent
        )

    return report


def _keep_rejects(extract: Extract, result: engine.IngestResult) -> str:
    relative = f"{storage.extract_dir(extract)}/rejects.csv"
    target = storage.absolute(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    if result.rejects_csv and result.rejects_csv.exists():
        shutil.move(str(result.rejects_csv), target)
    return relative


def _process(extract: Extract, job: Job, work: Path) -> None:
    organization = extract.organization
    progress = _progress(job.pk)
    Extract.objects.filter(pk=extract.pk).update(status=Extract.Status.PROCESSING)
    revision.bump(extract.organization_id)
    if (
        extract.raw_deleted_at
        or not extract.raw_path
        or not storage.absolute(extract.raw_path).exists()
    ):
        raise engine.IngestError(
            "The uploaded file is no longer available (it is deleted after processing). "
            "Upload the extract again."
        )
    if not extract.mapping_config:
        raise engine.IngestError("Map the extract's columns before processing it.")
    progress("reading", rows_done=0, percent=1)
    with timings.phase("job: encoding check / transcoding"):
        csv_path, delimiter = prepare_for_duckdb(
            path=storage.absolute(extract.raw_path),
            file_format=extract.file_format,
            encoding=extract.encoding,
            delimiter=extract.delimiter,
            work_dir=work,
        )
    spec = engine.IngestSpec(
        csv_path=csv_path,
        delimiter=delimiter,
        headers=extract.headers,
        config=extract.mapping_config,
        measure_aliases=measure_aliases(organization=organization),
        rejected_measures=set(extract.rejected_measure_codes),
        key=organization_key(organization),
        work_dir=work,
        progress=progress,
        transcode=(
            (lambda: transcode_windows_1252(csv_path, work))
            if csv_path == storage.absolute(extract.raw_path)
            else None
        ),
    )
    con = engine.connect(work)
    _import_in_background(TAIL_MODULES)
    try:
        result = engine.validate(con, spec)
        if result.undefined_measures:
            shown = ", ".join(result.undefined_measures[:20])
            more = len(result.undefined_measures) - 20
            _wait(
                extract,
                job,
                f"The extract uses measures your organization has not defined: {shown}"
                + (f" and {more} more" if more > 0 else "")
                + ". Define or reject them below; nothing was stored.",
                {
                    "undefined_measure_codes": result.undefined_measures,
                    "rows_read": result.rows_read,
                },
            )
            return
        report = {
            "rows_read": result.rows_read,
            "rows_accepted": result.rows_accepted,
            "rows_rejected": result.rows_rejected,
            "rows_excluded": result.rows_excluded,
            "rows_skipped": result.rows_skipped,
            "rejected_sample": result.reject_sample,
            "rejected_reasons": result.reject_reasons,
            "rejects_path": _keep_rejects(extract, result),
        }
        tolerance = Decimal(organization.reject_tolerance_percent).normalize()
        # Wide files count one row per measure cell: never divide by less than was judged.
        considered = max(
            result.rows_read - result.rows_skipped, result.rows_accepted + result.rows_rejected, 1
        )
        percent = Decimal(100 * result.rows_rejected) / Decimal(considered)
        if percent > tolerance and not extract.accept_rejections:
            _wait(
                extract,
                job,
                f"{result.rows_rejected:,} of {considered:,} rows ({percent:.1f}%) were rejected, "
                f"more than your organization's tolerance of {tolerance:f}%. Nothing was stored. "
                "Review the report, then store the valid rows anyway or discard the extract.",
                report,
            )
            return
        if result.rows_accepted == 0:
            _wait(
                extract,
                job,
                "No row was accepted, so nothing was stored. Review the report.",
                report,
            )
            return
        progress("aggregating", rows_done=result.rows_read, percent=65)
        with timings.phase("job: normalize"):
            derived = engine.normalize(con)
        hub = hub_settings_get(organization=organization)
        strata, quality = _aggregate(
            con,
            source=engine.NORMALIZED,
            organization=organization,
            hub=hub,
            raw_types=engine.RAW_TYPES,
        )
        # The file is written while the counts are stored, protected and published.
        writer = engine.ParquetWriter(con, storage.absolute(_parquet_relative(extract)))
        writer.start(rows=result.rows_accepted)
        try:
            progress("saving", rows_done=result.rows_read, percent=80)
            counts = _store_processed(
                extract, job, result, report, (strata, quality, derived), hub, writer
            )
        finally:
            writer.wait_quietly()
    finally:
        con.close()
    job_finish(
        job_id=job.pk,
        status=Job.Status.SUCCEEDED,
        message=f"{result.rows_accepted:,} rows stored as {counts:,} stratified counts.",
    )
    if not organization.raw_retention_days:
        with transaction.atomic():
            _delete_raw(extract)
            extract.save(update_fields=["raw_deleted_at"])
    extracts_purge_raw(organization=organization)


# A job's Python allocates about a million objects (cells, relations, frames, rows). With
# the default thresholds a 2 M-row ingest process collected 747 times, four of them over
# every object of the process (Django, pandas, all the modules): 0.41-0.48 s in all. With
# the objects older than the job left out and fewer collections: 248 times, 0.18-0.21 s.
GC_THRESHOLDS_IN_JOB = (20_000, 20, 20)


@contextlib.contextmanager
def _fewer_collections():
    """Inside: what exists so far is frozen (never scanned) and the collector runs less often.
    After: the thresholds are restored and what this froze is collectable again."""
    previous = gc.get_threshold()
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS_IN_JOB)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if not frozen_before:  # never thaw what the process froze itself
            gc.unfreeze()


# What the job's end (disclosure control, publication) imports: pandas alone takes about
# 0.4 s. The web server and the worker start without them; a job imports them while DuckDB
# reads the file (it holds no GIL then), not after, when the job would wait for them.
TAIL_MODULES = ("data_hub.disclosure", "data_hub.results.publishing")


def _import_in_background(modules: tuple[str, ...]) -> threading.Thread | None:
    """Import the modules not imported yet in a thread (returned; None when there are none)."""
    missing = [name for name in modules if name not in sys.modules]
    if not missing:
        return None
    thread = threading.Thread(
        target=_import_quietly, args=(missing,), name="tail-imports", daemon=True
    )
    thread.start()
    return thread


def _import_quietly(modules: list[str]) -> None:
    # Any failure shows again, with its traceback, where the job imports the module itself.
    for name in modules:
        with contextlib.suppress(Exception):
            importlib.import_module(name)


def _parquet_relative(extract: Extract) -> str:
    return f"{storage.extract_dir(extract)}/normalized.parquet"


def _store_processed(
    extract: Extract,
    job: Job,
    result: engine.IngestResult,
    report: dict,
    aggregated: tuple[engine.Strata, tuple[list[tuple], int], list[str]],
    hub: HubSettings,
    writer: engine.ParquetWriter,
) -> int:
    """One transaction: the counts (stratified, quality, derived measures), their protection
    and publication, then, once the Parquet file is complete, the extract as processed with
    its report. Returns the number of counts stored."""
    organization = extract.organization
    strata, quality, derived = aggregated
    with transaction.atomic():
        _ensure_social_need_measures(organization, derived)
        counts = _store_results(extract, strata, quality, hub, restratified=False)
        with timings.phase("job: wait for the parquet file"):
            writer.wait()
        now = timezone.now()
        extract.refresh_from_db()
        for name, value in report.items():
            setattr(extract, name, value)
        extract.parquet_path = _parquet_relative(extract)
        extract.unmapped_values = strata.unmapped
        extract.measures_count = len({r[0] for r in strata.rows})
        extract.periods_count = len({(r[1], r[2]) for r in strata.rows})
        extract.status = Extract.Status.PROCESSED
        extract.processed_at = now
        extract.undefined_measure_codes = []
        extract.raw_delete_after = (
            now + timedelta(days=organization.raw_retention_days)
            if organization.raw_retention_days
            else None
        )
        extract.save()
        audit_record(
            organization=organization,
            actor=job.created_by,
            action="extract.process",
            obj=extract,
            details={
                "job": job.pk,
                "rows_read": result.rows_read,
                "rows_accepted": result.rows_accepted,
                "rows_rejected": result.rows_rejected,
                "cells": counts,
            },
        )
    return counts


def _ensure_social_need_measures(organization: Organization, codes: list[str]) -> None:
    for code in codes:
        _, need, kind = code.split("_", 2)
        label = SOCIAL_NEED_NAMES.get(need, need.capitalize())
        Measure.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={
                "name": f"{label}: screening rate"
                if kind == "screening"
                else f"{label}: positive screens among screened",
                "category": Measure.Category.SOCIAL_NEED,
                "direction": Measure.Direction.HIGHER
                if kind == "screening"
                else Measure.Direction.LOWER,
                "steward": "Derived from social-needs screening fields",
            },
        )


COUNT_COLUMNS = ("organization_id", "extract_id", *COUNT_FIELDS)


def _aggregate(
    con,
    *,
    source: str,
    organization: Organization,
    hub: HubSettings,
    raw_types: dict[str, str] | None = None,
) -> tuple[engine.Strata, tuple[list[tuple], int]]:
    """Every count the extract publishes, from its normalized rows in one DuckDB session,
    with one application of the value maps: the stratified counts (one GROUPING SETS scan)
    and the REaL completeness in patients."""
    with timings.phase("job: stratify (grouping sets)"):
        codes = engine.map_values(
            con,
            source=source,
            value_maps=value_maps_for(organization=organization),
            raw_types=raw_types,
        )
        strata = engine.stratify(
            con, source=source, value_maps={}, intersections=hub.intersections, codes=codes
        )
    with timings.phase("job: quality counts"):
        quality = engine.quality_counts(con, source=source, codes=codes)
    return strata, quality


def _store_results(
    extract: Extract,
    strata: engine.Strata,
    quality: tuple[list[tuple], int],
    hub: HubSettings,
    *,
    restratified: bool,
) -> int:
    """Inside the caller's transaction: store the counts, the quality counts and the
    provenance, then decide suppression once over everything the extract publishes (results
    and quality together, audited: DESIGN §5.7) and publish the results those decisions
    allow. Readers see the old publication or the new one, never a mix. Returns the number
    of stratified counts stored."""
    with timings.phase("job: store counts, provenance, audit"):
        stored = _store_counts(extract, strata)
        _store_provenance(extract, hub, restratified=restratified)
        rows, patients = quality
        quality_stored = quality_store(extract=extract, rows=rows, patients=patients)
    # Loaded here, not with the module: the web server and the worker start without pandas
    # (the job has imported them in the background already: TAIL_MODULES names these).
    from . import disclosure
    from .results import publishing

    # What was just stored, handed over as frames rather than read back (twice) from the
    # database: the same rows, as the tests check.
    frames = disclosure.StoredCounts.of(
        counts=[row[2:] for row in stored],  # COUNT_COLUMNS without the two ids: COUNT_FIELDS
        quality=quality_stored,
    )
    with timings.phase("job: disclosure control (decide + audit)"):
        disclosure.protect_extract(extract=extract, stored=frames)
    with timings.phase("job: publish results"):
        publishing.publish_extract(extract=extract, counts=frames.counts)
    return len(stored)


def _store_counts(extract: Extract, strata: engine.Strata) -> list[tuple]:
    """Delete-then-insert the extract's counts (inside the caller's transaction); returns
    the rows stored (COUNT_COLUMNS).

    One bulk write: COPY on PostgreSQL, executemany on SQLite (bulk_create's per-object SQL
    compiling costs more than the whole DuckDB scan at 10,000 cells, and DESIGN §6 holds ingest
    to 1.5x DuckDB's own time)."""
    measures = dict(
        Measure.objects.filter(organization=extract.organization).values_list("code", "pk")
    )
    StratifiedCount.objects.filter(extract=extract).delete()
    org_id, extract_id = extract.organization_id, extract.pk
    rows = [
        (
            org_id,
            extract_id,
            measures[code],
            start,
            granularity,
            label,
            dimension,
            group[:250],
            numerator,
            denominator,
        )
        for code, start, granularity, label, dimension, group, numerator, denominator in (
            strata.rows
        )
        if code in measures
    ]
    quote = connection.ops.quote_name
    table = quote(StratifiedCount._meta.db_table)
    columns = ", ".join(quote(c) for c in COUNT_COLUMNS)
    one = "(" + ", ".join(["%s"] * len(COUNT_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One COPY of every row (CSV quotes group names safely).
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer
            )
        elif connection.vendor == "sqlite":
            # One executemany: SQLite's native bulk path, faster than bulk_create's per-object
            # SQL compiling.
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", rows)
        else:
            for start in range(0, len(rows), BULK_BATCH):
                batch = rows[start : start + BULK_BATCH]
                values = ", ".join([one] * len(batch))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {values}",
                    [value for row in batch for value in row],
                )
    return rows


def _store_provenance(extract: Extract, hub: HubSettings, *, restratified: bool) -> None:
    defaults = {
        "organization": extract.organization,
        "mapping_name": extract.mapping.name if extract.mapping else "",
        "mapping_config": extract.mapping_config,
        "header_signature": extract.header_signature,
        "value_map_version": hub.value_map_version,
        "intersections": hub.intersections,
        "method_version": METHOD_VERSION,
        "ingest_version": engine.ENGINE_VERSION,
        "engine": f"duckdb {duckdb_version}",
        "computed_at": timezone.now(),
    }
    provenance, _ = ExtractProvenance.objects.update_or_create(extract=extract, defaults=defaults)
    if restratified:
        ExtractProvenance.objects.filter(pk=provenance.pk).update(
            restratified_count=F("restratified_count") + 1
        )


def extract_restratify_run(*, job_id: int, take_over: bool = False) -> None:
    """Recompute an extract's counts from its Parquet file with the current value maps and
    intersections."""
    job = _claim(job_id, take_over)
    if job is None:
        return
    with scope(organization=job.organization):
        extract = _extract_for(job)
        organization = extract.organization
        work = storage.work_dir(extract, job.pk)
        try:
            path = storage.absolute(extract.parquet_path)
            if not extract.parquet_path or not path.exists():
                raise engine.IngestError(
                    "The extract's normalized rows are missing; upload it again."
                )
            job_progress(job_id=job.pk, phase="aggregating", percent=20)
            hub = hub_settings_get(organization=organization)
            con = engine.connect(work)
            try:
                strata, quality = _aggregate(
                    con, source=engine.parquet_source(path), organization=organization, hub=hub
                )
            finally:
                con.close()
            job_progress(job_id=job.pk, phase="saving", percent=80)
            with _fewer_collections(), transaction.atomic():
                counts = _store_results(extract, strata, quality, hub, restratified=True)
                Extract.objects.filter(pk=extract.pk).update(unmapped_values=strata.unmapped)
                revision.bump(extract.organization_id)
                audit_record(
                    organization=organization,
                    actor=job.created_by,
                    action="extract.restratify",
                    obj=extract,
                    details={
                        "job": job.pk,
                        "cells": counts,
                        "value_map_version": hub.value_map_version,
                    },
                )
            job_finish(
                job_id=job.pk,
                status=Job.Status.SUCCEEDED,
                message=f"Re-stratified: {counts:,} stratified counts.",
            )
        except OperationalError:
            raise
        except engine.IngestError as error:
            job_finish(job_id=job.pk, status=Job.Status.FAILED, message=str(error))
        except Exception as error:  # noqa: BLE001
            logger.error("restratify of extract %s failed: %s", extract.pk, type(error).__name__)
            job_finish(job_id=job.pk, status=Job.Status.FAILED, message=GENERIC_FAILURE)
        finally:
            storage.remove_tree(work)
