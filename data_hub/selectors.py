"""Data hub reads, organization passed explicitly (the results explorer and exports use
`stratified_counts`)."""

from django.db.models import QuerySet

from equity_portal.core.models import Organization

from .defaults import default_value_maps, family_categories, suggest_category
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


def value_map_categories(*, organization: Organization) -> dict[str, list[str]]:
    """{family: the categories a value can map to}: the standard ones of the default maps and
    any the organization's own entries already use."""
    categories = {f: list(labels) for f, labels in family_categories().items()}
    for family in ValueMapEntry.Family.values:
        categories.setdefault(family, [])
    used = (
        ValueMapEntry.objects.filter(organization=organization)
        .order_by()
        .values_list("family", "target")
        .distinct()
    )
    for family, target in used:
        if target not in categories[family]:
            categories[family].append(target)
    return categories


def value_map_suggestions(
    *, organization: Organization, unmapped: dict[str, dict[str, int]]
) -> dict[str, dict[str, str | None]]:
    """{family: {unmapped value: the one category its words name, or None}}."""
    if not unmapped:
        return {}
    maps: dict[str, dict[str, str]] = {}
    entries = ValueMapEntry.objects.filter(organization=organization, family__in=list(unmapped))
    for family, source, target in entries.values_list("family", "source_value", "target"):
        maps.setdefault(family, {})[source] = target
    return {
        family: {value: suggest_category(value, maps.get(family, {})) for value in values}
        for family, values in unmapped.items()
    }


def value_map_export_rows(*, organization: Organization):
    """(family, source_value, category) of every entry, the value-map CSV's rows."""
    return (
        ValueMapEntry.objects.filter(organization=organization)
        .order_by("family", "source_value")
        .values_list("family", "source_value", "target")
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
