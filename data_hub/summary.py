"""The data hub at a glance, for the overview and its board report (exposed through
`data_hub.api`): the latest processed extract, extracts that wait for an analyst, the REaL
completeness headline (with the data-quality report's suppression) and the social-needs
measures with results. A bounded number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef

from equity_portal.core.models import Organization

from .models import Extract, Measure, StratifiedCount, dimension_label
from .provenance import effective_k
from .quality.models import ALL_SITES, QUALITY_DIMENSIONS

REAL_DIMENSIONS = QUALITY_DIMENSIONS  # race, ethnicity, language
NEEDS_ANALYST = (Extract.Status.UPLOADED, Extract.Status.WAITING, Extract.Status.FAILED)
IN_FLIGHT = (Extract.Status.QUEUED, Extract.Status.PROCESSING)


@dataclass(frozen=True)
class ExtractBrief:
    id: int
    name: str
    status: str
    status_label: str
    created_at: datetime
    processed_at: datetime | None

    @property
    def failed(self) -> bool:
        return self.status == Extract.Status.FAILED


@dataclass(frozen=True)
class RealCompleteness:
    dimension: str
    label: str
    period_start: date
    period_label: str
    percent_known: float | None  # None when suppressed (too few patients)


@dataclass(frozen=True)
class HubSummary:
    latest_extract: ExtractBrief | None
    processed_count: int
    in_flight_count: int
    needs_analyst_count: int
    completeness: tuple[RealCompleteness, ...]
    completeness_target: float


def _brief(extract: Extract) -> ExtractBrief:
    return ExtractBrief(
        id=extract.pk,
        name=extract.original_name,
        status=extract.status,
        status_label=extract.get_status_display(),
        created_at=extract.created_at,
        processed_at=extract.processed_at,
    )


def real_completeness(organization: Organization, extract: Extract) -> tuple:
    """Percent known of race, ethnicity and language in the extract's latest period, all
    sites, suppressed as on the data-quality report (the extract's disclosure decisions)."""
    # pandas loads with the first page that needs it, not when a process starts.
    from .quality import selectors as quality_selectors

    rows = [
        r
        for r in quality_selectors.completeness_rows(
            organization=organization, extract=extract, k=effective_k(organization)
        )
        if r["site"] == ALL_SITES and r["dimension"] in REAL_DIMENSIONS
    ]
    if not rows:
        return ()
    latest = max(r["period_start"] for r in rows)
    by_dimension = {r["dimension"]: r for r in rows if r["period_start"] == latest}
    return tuple(
        RealCompleteness(
            dimension=d,
            label=dimension_label(d),
            period_start=latest,
            period_label=by_dimension[d]["period_label"],
            percent_known=by_dimension[d]["percent_known"],
        )
        for d in REAL_DIMENSIONS
        if d in by_dimension
    )


def hub_summary(organization: Organization) -> HubSummary:
    extracts = Extract.objects.filter(organization=organization)
    by_status = dict(
        extracts.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    latest = (
        extracts.filter(status=Extract.Status.PROCESSED).order_by("-processed_at", "-pk").first()
    )
    return HubSummary(
        latest_extract=_brief(latest) if latest else None,
        processed_count=by_status.get(Extract.Status.PROCESSED, 0),
        in_flight_count=sum(by_status.get(s, 0) for s in IN_FLIGHT),
        needs_analyst_count=sum(by_status.get(s, 0) for s in NEEDS_ANALYST),
        completeness=real_completeness(organization, latest) if latest else (),
        completeness_target=float(organization.completeness_target_percent),
    )


def extracts_needing_analyst(organization: Organization, *, limit: int = 10) -> list:
    """Extracts waiting for column mapping or an analyst's decision, or failed; newest first."""
    extracts = Extract.objects.filter(organization=organization, status__in=NEEDS_ANALYST)
    return [_brief(e) for e in extracts.order_by("-created_at", "-pk")[:limit]]


def social_need_measures(organization: Organization) -> list[tuple[str, str]]:
    """(code, name) of social-needs screening measures with results in a processed extract."""
    published = StratifiedCount.objects.filter(
        organization=organization, measure=OuterRef("pk"), extract__status=Extract.Status.PROCESSED
    )
    return list(
        Measure.objects.filter(organization=organization, category=Measure.Category.SOCIAL_NEED)
        .filter(Exists(published))
        .order_by("name")
        .values_list("code", "name")
    )
