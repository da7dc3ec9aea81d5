"""Compute an extract's REaL completeness in patients from its pseudonymized Parquet file.

One patient counts once per period and site (and once per period across "All sites"),
with the best information any of their rows carries: a known category over Declined over
Unknown. Values are mapped with the organization's value maps exactly as ingest maps them
(unmapped -> Unknown; ethnicity falls back to Hispanic or Latino when race says so).
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from data_hub import storage
from data_hub.defaults import DECLINED, HISPANIC, UNKNOWN, normalize_key
from data_hub.models import Extract, ExtractProvenance, ValueMapEntry
from equity_portal.core.jobs import job_claim, job_finish, job_progress
from equity_portal.core.models import Job, Organization

from .models import ALL_SITES, QUALITY_DIMENSIONS, QualityCount, QualitySnapshot

logger = logging.getLogger(__name__)
MEMORY_LIMIT = "512MB"
BULK_BATCH = 2000
_VM = pa.schema([("raw", pa.string()), ("target", pa.string())])


def _value_maps(organization) -> dict[str, dict[str, str]]:
    maps: dict[str, dict[str, str]] = {f: {} for f in QUALITY_DIMENSIONS}
    for family, source, target in ValueMapEntry.objects.filter(
        organization=organization, family__in=QUALITY_DIMENSIONS
    ).values_list("family", "source_value", "target"):
        maps[family][source] = target
    return maps


def _register_maps(con, source: str, maps: dict[str, dict[str, str]]) -> None:
    for family in QUALITY_DIMENSIONS:
        raws = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {family} FROM {source} WHERE {family} IS NOT NULL"
            ).fetchall()
        ]
        pairs = [(raw, maps[family].get(normalize_key(raw))) for raw in raws]
        pairs = [(raw, target) for raw, target in pairs if target]
        table = pa.table(
            {"raw": [p[0] for p in pairs], "target": [p[1] for p in pairs]}, schema=_VM
        )
        con.register(f"vm_{family}", table)


def _best(column: str) -> str:
    """Per patient: a known category (the first by name) over Declined over Unknown."""
    return (
        f"coalesce(min({column}) FILTER (WHERE {column} NOT IN ('{UNKNOWN}', '{DECLINED}')), "
        f"max({column}) FILTER (WHERE {column} = '{DECLINED}'), '{UNKNOWN}')"
    )


def quality_counts_from_parquet(
    path, *, value_maps: dict[str, dict[str, str]]
) -> tuple[list[tuple], int]:
    """Rows (period_start, granularity, period_label, site, dimension, group, patients) and
    the number of distinct patients."""
    con = duckdb.connect()
    try:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute("SET threads = 2")
        source = "read_parquet($$" + str(path).replace("$", "") + "$$)"
        _register_maps(con, source, value_maps)
        race = f"coalesce(vr.target, '{UNKNOWN}')"
        eth = (
            f"coalesce(ve.target, CASE WHEN {race} = '{HISPANIC}' THEN '{HISPANIC}' "
            f"ELSE '{UNKNOWN}' END)"
        )
        con.execute(
            f"""CREATE TEMP TABLE mapped AS
            SELECT n.pid, n.period_start, n.granularity, n.period_label,
                   coalesce(nullif(trim(n.site), ''), '{UNKNOWN}') AS site,
                   {race} AS race, {eth} AS ethnicity,
                   coalesce(vl.target, '{UNKNOWN}') AS language
            FROM {source} n
            LEFT JOIN vm_race vr ON vr.raw = n.race
            LEFT JOIN vm_ethnicity ve ON ve.raw = n.ethnicity
            LEFT JOIN vm_language vl ON vl.raw = n.language
            WHERE n.pid IS NOT NULL AND n.period_start IS NOT NULL"""
        )
        best = ", ".join(f"{_best(d)} AS {d}" for d in QUALITY_DIMENSIONS)
        keys = "period_start, granularity, period_label"
        con.execute(
            f"""CREATE TEMP TABLE per_patient AS
            SELECT pid, {keys}, site, {best} FROM mapped GROUP BY pid, {keys}, site
            UNION ALL
            SELECT pid, {keys}, '{ALL_SITES}' AS site, {best} FROM mapped
            GROUP BY pid, {keys}"""
        )
        parts = " UNION ALL ".join(
            f"SELECT {keys}, site, '{d}' AS dimension, {d} AS grp, count(*) AS patients "
            f"FROM per_patient GROUP BY {keys}, site, {d}"
            for d in QUALITY_DIMENSIONS
        )
        rows = con.execute(f"{parts} ORDER BY 1, 2, 4, 5, 6").fetchall()
        patients = con.execute("SELECT count(DISTINCT pid) FROM mapped").fetchall()[0][0]
        return rows, int(patients)
    finally:
        con.close()


def quality_compute(*, extract_id: int) -> int | None:
    """Replace an extract's quality counts (idempotent: delete-then-insert in one
    transaction). Returns the number of rows stored, or None when the extract is not
    processed or its Parquet file is missing (nothing to compute, nothing changed)."""
    extract = Extract.objects.select_related("organization").filter(pk=extract_id).first()
    if extract is None or extract.status != Extract.Status.PROCESSED or not extract.parquet_path:
        return None
    organization = extract.organization
    path = storage.absolute(extract.parquet_path)
    if not path.exists():
        logger.warning("quality: Parquet of extract %s is missing", extract.pk)
        return None
    rows, patients = quality_counts_from_parquet(path, value_maps=_value_maps(organization))
    version = (
        ExtractProvenance.objects.filter(extract=extract)
        .values_list("value_map_version", flat=True)
        .first()
    )
    with transaction.atomic():
        QualityCount.objects.filter(extract=extract).delete()
        QualityCount.objects.bulk_create(
            [
                QualityCount(
                    organization=organization,
                    extract=extract,
                    period_start=start,
                    granularity=granularity,
                    period_label=label,
                    site=site[:250],
                    dimension=dimension,
                    group=group[:250],
                    patients=count,
                )
                for start, granularity, label, site, dimension, group, count in rows
            ],
            batch_size=BULK_BATCH,
        )
        QualitySnapshot.objects.update_or_create(
            extract=extract,
            defaults={
                "organization": organization,
                "value_map_version": version,
                "patients": patients,
                "computed_at": timezone.now(),
            },
        )
    # Everything the extract publishes now exists: decide, audit, record the figures.
    from data_hub import disclosure

    disclosure.protect_extract(extract=extract)
    # ... and the published results follow those decisions.
    from data_hub.results import publishing

    publishing.publish_extract(extract=extract)
    return len(rows)


def quality_compute_in_scope(*, extract_id: int) -> int | None:
    """Entry point of the Celery task: find the extract's organization, then work inside
    its scope (the only unscoped read is that one id lookup)."""
    with scopes_disabled():
        organization = Organization.objects.filter(
            pk__in=Extract.objects.filter(pk=extract_id).values("organization_id")
        ).first()
    if organization is None:
        return None
    with scope(organization=organization):
        return quality_compute(extract_id=extract_id)


def quality_job_run(*, job_id: int, take_over: bool = False) -> None:
    """The quality job: claim it, compute in the extract's scope, close it. A damaged Parquet
    file fails this job only (the ingest that queued it stays stored)."""
    if not job_claim(job_id=job_id, allow_stale_running=take_over):
        return
    with scopes_disabled():
        job = Job.objects.get(pk=job_id)
    job_progress(job_id=job_id, phase="computing", percent=10)
    try:
        stored = quality_compute_in_scope(extract_id=int(job.object_id))
    except (duckdb.Error, OSError) as error:
        logger.error("quality of extract %s failed: %s", job.object_id, type(error).__name__)
        job_finish(
            job_id=job_id,
            status=Job.Status.FAILED,
            message="The data quality counts could not be computed from the stored rows.",
        )
        return
    message = (
        "Nothing to compute: the extract is not processed."
        if stored is None
        else f"{stored:,} quality counts stored."
    )
    job_finish(job_id=job_id, status=Job.Status.SUCCEEDED, message=message)
