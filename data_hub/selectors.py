"""Data hub reads, organization passed explicitly (the results explorer and exports use
`stratified_counts`)."""

from django.db.models import QuerySet

from equity_portal.core.models import Organization

from .models import ColumnMapping, Extract, Measure, StratifiedCount, ValueMapEntry


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
