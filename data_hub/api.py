"""The data hub's read API: the one module other apps (Vision, Improve, the overview) may
import from data_hub (an import-linter contract in pyproject.toml).

Everything returned is a frozen dataclass with suppression and provenance already
applied: a suppressed cell has `suppressed=True` and None for every number. Rates are
proportions (0..1). Difference and ratio compare ADVERSE rates (a positive difference or a
ratio above 1 means the group fares worse than the reference).

Across extracts: a period covered by several processed extracts is read from the most
recently processed one (the point names its extract), so a series is one point per period.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from data_hub import published
from data_hub.models import Measure, dimension_label
from data_hub.provenance import Provenance, effective_k
from data_hub.summary import (  # the data hub at a glance, for the overview
    ExtractBrief,
    HubSummary,
    RealCompleteness,
    extracts_needing_analyst,
    hub_summary,
    social_need_measures,
)
from equity_portal.core.models import Organization

__all__ = [
    "BaselineSnapshot",
    "ExtractBrief",
    "HubSummary",
    "RealCompleteness",
    "extracts_needing_analyst",
    "hub_summary",
    "social_need_measures",
    "Disparity",
    "DisparityKey",
    "GroupRow",
    "GroupTable",
    "MeasureSeries",
    "Provenance",
    "SeriesPoint",
    "baseline_snapshot",
    "dimension_label",
    "disparities",
    "effective_k",
    "explorer_url",
    "group_results",
    "measure_choices",
    "measure_series",
]

DIRECTIONS = {
    Measure.Direction.HIGHER: "higher",
    Measure.Direction.LOWER: "lower",
}


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class GroupRow:
    group: str
    group_label: str
    compared: bool
    is_reference: bool
    suppressed: bool
    numerator: int | None
    denominator: int | None
    rate: float | None
    rate_lower: float | None
    rate_upper: float | None
    adverse_rate: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    ratio: float | None
    ratio_lower: float | None
    ratio_upper: float | None
    significant: bool | None
    excess_events: float | None = None
    reference_group: str | None = None


@dataclass(frozen=True)
class GroupTable:
    measure: str
    measure_name: str
    direction: str
    dimension: str
    dimension_label: str
    period_start: date
    period_label: str
    granularity: str
    reference_group: str | None
    reference_note: str
    rows: tuple[GroupRow, ...]
    summary: dict | None
    provenance: Provenance

    def row(self, group: str) -> GroupRow | None:
        return next((r for r in self.rows if r.group == group), None)


@dataclass(frozen=True)
class SeriesPoint:
    period_start: date
    period_label: str
    granularity: str
    extract_id: int
    suppressed: bool
    numerator: int | None
    denominator: int | None
    rate: float | None
    rate_lower: float | None
    rate_upper: float | None
    reference_suppressed: bool
    reference_numerator: int | None
    reference_denominator: int | None
    reference_rate: float | None
    reference_rate_lower: float | None
    reference_rate_upper: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    ratio: float | None
    ratio_lower: float | None
    ratio_upper: float | None
    provenance: Provenance
    significant: bool | None = None


@dataclass(frozen=True)
class MeasureSeries:
    measure: str
    measure_name: str
    direction: str
    dimension: str
    dimension_label: str
    group: str
    reference_group: str
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True, kw_only=True)
class BaselineSnapshot(SeriesPoint):
    """The numbers of one period's point (every `SeriesPoint` field) and what it is a point
    of, as a value a charter stores: a later re-stratification or publication never changes
    a snapshot already taken."""

    measure: str
    dimension: str
    group: str
    reference_group: str
    taken_at: str

    def as_dict(self) -> dict:
        """JSON-serialisable (dates as ISO strings)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["period_start"] = self.period_start.isoformat()
        data["provenance"] = self.provenance.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> BaselineSnapshot:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["period_start"] = date.fromisoformat(data["period_start"])
        values["provenance"] = Provenance.from_dict(data["provenance"])
        return cls(**values)


@dataclass(frozen=True)
class DisparityKey:
    measure: str
    dimension: str
    group: str

    def __str__(self) -> str:
        return f"{self.measure}|{self.dimension}|{self.group}"

    @classmethod
    def parse(cls, text: str) -> DisparityKey:
        measure, dimension, group = text.split("|", 2)
        return cls(measure, dimension, group)


@dataclass(frozen=True)
class Disparity:
    key: DisparityKey
    measure_name: str
    dimension_label: str
    group: str
    reference_group: str
    period_start: date
    period_label: str
    rate: float | None
    reference_rate: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    ratio: float | None
    ratio_lower: float | None
    ratio_upper: float | None
    excess_events: float | None
    significant: bool | None
    provenance: Provenance


# --------------------------------------------------------------------------- helpers


def _measure(organization: Organization, code: str) -> Measure | None:
    return Measure.objects.filter(organization=organization, code=code).first()


def _row(cell: published.Cell) -> GroupRow:
    return GroupRow(
        group=cell.group,
        group_label=cell.group,
        compared=cell.compared,
        is_reference=cell.is_reference,
        suppressed=cell.suppressed,
        numerator=cell.numerator,
        denominator=cell.denominator,
        rate=cell.rate,
        rate_lower=cell.rate_lower,
        rate_upper=cell.rate_upper,
        adverse_rate=cell.adverse_rate,
        difference=cell.difference,
        difference_lower=cell.difference_lower,
        difference_upper=cell.difference_upper,
        ratio=cell.ratio,
        ratio_lower=cell.ratio_lower,
        ratio_upper=cell.ratio_upper,
        significant=cell.significant,
        excess_events=cell.excess_events,
        reference_group=cell.reference_group,
    )


# --------------------------------------------------------------------------- reads


def measure_choices(organization: Organization) -> list[tuple[str, str]]:
    """(code, name) of the organization's measures that have processed results."""
    return published.measure_choices(organization=organization)


def explorer_url(organization: Organization, measure: str, dimension: str, group=None) -> str:
    """Where a person sees the full table of one measure x dimension (group highlighted)."""
    base = reverse("results:explorer", kwargs={"org_slug": organization.slug})
    params = {"measure": measure, "dimension": dimension}
    if group:
        params["highlight"] = group
    return f"{base}?{urlencode(params)}"


def group_results(
    organization: Organization, measure: str, dimension: str, period: date | None = None
) -> GroupTable | None:
    """The table of one measure x dimension for one period (None: the latest), read from
    the most recently processed extract covering that period, with the measure's own
    reference setting. None when there is no such table."""
    m = _measure(organization, measure)
    if m is None:
        return None
    table = published.table(
        organization=organization, measure=m, dimension=dimension, period=period
    )
    if table is None:
        return None
    return GroupTable(
        measure=m.code,
        measure_name=m.name,
        direction=DIRECTIONS.get(m.direction, m.direction),
        dimension=dimension,
        dimension_label=dimension_label(dimension),
        period_start=table.period_start,
        period_label=table.period_label,
        granularity=table.granularity,
        reference_group=table.reference_group,
        reference_note=table.reference_note,
        rows=tuple(_row(c) for c in table.cells),
        summary=table.summary,
        provenance=table.provenance,
    )


def measure_series(
    organization: Organization, measure: str, dimension: str, group: str, reference_group: str
) -> MeasureSeries:
    """One point per period across every processed extract (latest processed wins a
    period), the focus group against the reference group the caller names, never
    re-chosen per period. Points with neither group present are left out."""
    m = _measure(organization, measure)
    points: list[SeriesPoint] = []
    if m is not None:
        for p in published.series(
            organization=organization,
            measure=m,
            dimension=dimension,
            group=group,
            reference_group=reference_group,
        ):
            points.append(_point(p))
    return MeasureSeries(
        measure=measure,
        measure_name=m.name if m else "",
        direction=DIRECTIONS.get(m.direction, m.direction) if m else "",
        dimension=dimension,
        dimension_label=dimension_label(dimension),
        group=group,
        reference_group=reference_group,
        points=tuple(points),
    )


def _point(p: published.Pair) -> SeriesPoint:
    focus, ref, gap = p.focus, p.reference, p.gap or {}
    focus_shown = focus is not None and not focus.suppressed
    ref_shown = ref is not None and not ref.suppressed
    return SeriesPoint(
        period_start=p.period_start,
        period_label=p.period_label,
        granularity=p.granularity,
        extract_id=p.provenance.extract_id,
        suppressed=not focus_shown,
        numerator=focus.numerator if focus_shown else None,
        denominator=focus.denominator if focus_shown else None,
        rate=focus.rate if focus_shown else None,
        rate_lower=focus.rate_lower if focus_shown else None,
        rate_upper=focus.rate_upper if focus_shown else None,
        reference_suppressed=not ref_shown,
        reference_numerator=ref.numerator if ref_shown else None,
        reference_denominator=ref.denominator if ref_shown else None,
        reference_rate=ref.rate if ref_shown else None,
        reference_rate_lower=ref.rate_lower if ref_shown else None,
        reference_rate_upper=ref.rate_upper if ref_shown else None,
        difference=gap.get("difference"),
        difference_lower=gap.get("difference_lower"),
        difference_upper=gap.get("difference_upper"),
        ratio=gap.get("ratio"),
        ratio_lower=gap.get("ratio_lower"),
        ratio_upper=gap.get("ratio_upper"),
        significant=gap.get("significant"),
        provenance=p.provenance,
    )


def baseline_snapshot(
    organization: Organization,
    measure: str,
    dimension: str,
    group: str,
    reference_group: str,
    period: date | None = None,
) -> BaselineSnapshot | None:
    """The point of `period` (None: the latest) as a value to store, or None."""
    series = measure_series(organization, measure, dimension, group, reference_group)
    points = series.points
    if period is not None:
        points = tuple(p for p in points if p.period_start == period)
    if not points:
        return None
    point = points[-1]
    values = asdict(point)
    values["provenance"] = point.provenance
    return BaselineSnapshot(
        measure=measure,
        dimension=dimension,
        group=group,
        reference_group=reference_group,
        taken_at=timezone.now().isoformat(),
        **values,
    )


def disparities(
    organization: Organization,
    *,
    measure: str | None = None,
    dimension: str | None = None,
    order: str = "size",
    limit: int | None = None,
) -> list[Disparity]:
    """Significant disparities (a compared group fares worse than its reference) of each
    measure's latest period in the latest published extract, ranked by the size of the
    difference ("size") or by excess adverse events ("excess"), `limit` at most."""
    found = published.disparity_cells(
        organization=organization, measure=measure, dimension=dimension, order=order, limit=limit
    )
    return [_disparity(d) for d in found]


def _disparity(d: published.Found) -> Disparity:
    c = d.cell
    return Disparity(
        key=DisparityKey(d.measure_code, d.dimension, c.group),
        measure_name=d.measure_name,
        dimension_label=dimension_label(d.dimension),
        group=c.group,
        reference_group=c.reference_group or "",
        period_start=d.period_start,
        period_label=d.period_label,
        rate=c.rate,
        reference_rate=c.reference_rate,
        difference=c.difference,
        difference_lower=c.difference_lower,
        difference_upper=c.difference_upper,
        ratio=c.ratio,
        ratio_lower=c.ratio_lower,
        ratio_upper=c.ratio_upper,
        excess_events=c.excess_events,
        significant=c.significant,
        provenance=d.provenance,
    )
