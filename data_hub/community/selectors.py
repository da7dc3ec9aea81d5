"""Community data reads, organization passed explicitly."""

from django.db.models import Q, QuerySet

from data_hub.models import Measure
from equity_portal.core.models import Organization

from .models import POPULATION_SHARE, CommunityIndicator


def indicator_list(
    *,
    organization: Organization,
    q: str = "",
    source: str = "",
    year: int | None = None,
    measure: Measure | None = None,
) -> QuerySet[CommunityIndicator]:
    rows = CommunityIndicator.objects.filter(organization=organization).select_related("measure")
    if q:
        rows = rows.filter(
            Q(indicator__icontains=q) | Q(geography__icontains=q) | Q(group__icontains=q)
        )
    if source:
        rows = rows.filter(source=source)
    if year:
        rows = rows.filter(year=year)
    if measure is not None:
        rows = rows.filter(measure=measure)
    return rows.order_by("indicator", "geography", "-year", "group", "id")


def indicators_for_measure(*, organization: Organization, measure: Measure) -> list:
    """Shown beside the patient measure in the results explorer (one query)."""
    return list(
        CommunityIndicator.objects.filter(organization=organization, measure=measure).order_by(
            "-year", "indicator", "geography", "group"
        )[:100]
    )


def population_shares(*, organization: Organization) -> dict[str, dict[str, tuple]]:
    """dimension -> group -> (percent, geography, year, source label): the most recent
    "Population share" (unit %) per dimension and group (one query)."""
    rows = (
        CommunityIndicator.objects.filter(
            organization=organization, indicator__iexact=POPULATION_SHARE, unit="%"
        )
        .exclude(dimension="")
        .order_by("dimension", "group", "-year", "-id")
    )
    shares: dict[str, dict[str, tuple]] = {}
    for row in rows:
        shares.setdefault(row.dimension, {}).setdefault(
            row.group, (float(row.value), row.geography, row.year, row.get_source_display())
        )
    return shares
