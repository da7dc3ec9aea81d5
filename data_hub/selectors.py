"""Data hub reads, organization passed explicitly (the results explorer and exports use
`stratified_counts`)."""

from django.db.models import QuerySet

from equity_portal.core.models import Organization

from .defaults import default_value_maps
from .models import (
    DEFAULT_INTERSECTIONS,
    ColumnMapping,
    Extract,
    HubSettings,
    Measure,
    StratifiedCount,
    ValueMapEntry,
)


def extract_list(*, organization: Organization) -> QuerySet[Extract]:
    return Extract.objects.filter(organization=organization).select_related(
        "job", "uploaded_by", "mapping"
    )


def measure_list(*, organization: Organization) -> QuerySet[Measure]:
    return Measure.objects.filter(organization=organization)


def value_map_entries(*, organization: Organization, family: str | None = None):
    entries = ValueMapEntry.objects.filter(organization=organization)
    if family:
        entries = entries.filter(family=family)
    return entries


def value_map_entries_or_defaults(*, organization: Organization, family: str):
    """The organization's entries of a family; before its value maps are first seeded (the
    first edit or ingest does it), the defaults as unsaved entries, so that viewing the page
    writes nothing."""
    entries = value_map_entries(organization=organization, family=family)
    if ValueMapEntry.objects.filter(organization=organization).exists():
        return entries
    return [
        ValueMapEntry(family=family, source_value=source[:200], target=target, is_default=True)
        for source, target in sorted(default_value_maps().get(family, {}).items())
    ]


def hub_settings_current(*, organization: Organization) -> HubSettings:
    """The data hub settings, or the defaults (unsaved) when none were stored yet."""
    return HubSettings.objects.filter(organization=organization).first() or HubSettings(
        organization=organization, intersections=list(DEFAULT_INTERSECTIONS)
    )


def saved_mapping_list(*, organization: Organization) -> QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(organization=organization).exclude(name="")


def stratified_counts(
    *,
    organization: Organization,
    extract: Extract | None = None,
    measure: Measure | None = None,
    dimension: str | None = None,
) -> QuerySet[StratifiedCount]:
    counts = StratifiedCount.objects.filter(organization=organization).select_related("measure")
    if extract is not None:
        counts = counts.filter(extract=extract)
    if measure is not None:
        counts = counts.filter(measure=measure)
    if dimension is not None:
        counts = counts.filter(dimension=dimension)
    return counts
