"""Store an extract's REaL completeness in patients.

The counts are computed by the job that processes or re-stratifies the extract, in the same
DuckDB session and with the same value maps as its results (`data_hub.engine.quality_counts`),
so the suppression decisions are taken once over everything the extract publishes
(`data_hub.services`). This module only stores them.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from data_hub.models import Extract, ExtractProvenance

from .models import QualityCount, QualitySnapshot

BULK_BATCH = 2000


def quality_store(*, extract: Extract, rows: list[tuple], patients: int) -> list[tuple]:
    """Replace an extract's quality counts (delete-then-insert, atomic). `rows`:
    (period_start, granularity, period_label, site, dimension, group, patients). Returns
    the rows stored, as stored: (period_start, granularity, site, dimension, group,
    patients)."""
    organization = extract.organization
    version = (
        ExtractProvenance.objects.filter(extract=extract)
        .values_list("value_map_version", flat=True)
        .first()
    )
    stored = [
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
    ]
    with transaction.atomic():
        QualityCount.objects.filter(extract=extract).delete()
        QualityCount.objects.bulk_create(stored, batch_size=BULK_BATCH)
        QualitySnapshot.objects.update_or_create(
            extract=extract,
            defaults={
                "organization": organization,
                "value_map_version": version,
                "patients": patients,
                "computed_at": timezone.now(),
            },
        )
    return [
        (q.period_start, q.granularity, q.site, q.dimension, q.group, q.patients) for q in stored
    ]
