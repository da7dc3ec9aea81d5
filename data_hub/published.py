"""Reads of published results for the read API (`data_hub.api`): tables, series across
extracts and the disparities list, as plain cells with suppression applied.

For a period covered by several processed extracts the most recently processed one wins
(ties: the higher id). Every read is a bounded query on the published tables; the only
statistics computed here are the gap between two published cells of a series when the
caller's reference is not the table's (`equity_stats.compare_pair`, the same formulas).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import equity_stats
from data_hub.models import Extract, Measure, PublishedResult, PublishedSummary
from data_hub.provenance import Provenance
from equity_portal.core.models import Organization

CELL_FIELDS = (
    "group",
    "compared",
    "is_reference",
    "suppressed",
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "adverse_rate",
    "reference_group",
    "reference_rate",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
    "significant",
    "excess_events",
)


@dataclass(frozen=True)
class Cell:
    group: str
    compared: bool
    is_reference: bool
    suppressed: bool
    numerator: int | None
    denominator: int | None
    rate: float | None
    rate_lower: float | None
    rate_upper: float | None
    adverse_rate: float | None
    reference_group: str | None
    reference_rate: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    ratio: float | None
    ratio_lower: float | None
    ratio_upper: float | None
    significant: bool | None
    excess_events: float | None


@dataclass(frozen=True)
class Table:
    period_start: date
    period_label: str
    granularity: str
    reference_group: str | None
    reference_note: str
    cells: tuple[Cell, ...]
    summary: dict | None
    provenance: Provenance


@dataclass(frozen=True)
class Pair:
    period_start: date
    period_label: str
    granularity: str
    focus: Cell | None
    reference: Cell | None
    gap: dict | None
    provenance: Provenance


@dataclass(frozen=True)
class Found:
    measure_code: str
    measure_name: str
    dimension: str
    period_start: date
    period_label: str
    cell: Cell
    provenance: Provenance


def _cell(values: dict) -> Cell:
    values = {name: values[name] for name in CELL_FIELDS}
    values["reference_group"] = values["reference_group"] or None
    return Cell(**values)


def _provenances(extract_ids) -> dict[int, Provenance]:
    extracts = Extract.objects.filter(pk__in=list(extract_ids)).select_related(
        "provenance", "publication"
    )
    return {e.pk: Provenance.of(e, method_version=e.publication.method_version) for e in extracts}


def _published(organization: Organization):
    return PublishedSummary.objects.filter(
        organization=organization, extract__status=Extract.Status.PROCESSED
    )


def measure_choices(*, organization: Organization) -> list[tuple[str, str]]:
    """(code, name) of the measures with published results, by code (one query)."""
    return list(
        Measure.objects.filter(
            organization=organization,
            pk__in=_published(organization).values("measure_id"),
        )
        .order_by("code")
        .values_list("code", "name")
    )


def winners(
    *, organization: Organization, measure: Measure, dimension: str
) -> list[tuple[date, str, str, int]]:
    """(period_start, granularity, period_label, extract id) per period of the measure x
    dimension, oldest first: the most recently processed extract covering it."""
    keys = (
        _published(organization)
        .filter(measure=measure, dimension=dimension)
        .values_list(
            "period_start", "granularity", "period_label", "extract_id", "extract__processed_at"
        )
        .order_by()
    )
    best: dict[tuple[date, str], tuple] = {}
    for start, granularity, label, extract_id, processed_at in keys:
        rank = (processed_at.timestamp() if processed_at else 0.0, extract_id)
        current = best.get((start, granularity))
        if current is None or rank > current[0]:
            best[(start, granularity)] = (rank, label, extract_id)
    return sorted((s, g, label, e) for (s, g), (_, label, e) in best.items())


def table(
    *, organization: Organization, measure: Measure, dimension: str, period: date | None
) -> Table | None:
    chosen = winners(organization=organization, measure=measure, dimension=dimension)
    if period is not None:
        chosen = [c for c in chosen if c[0] == period]
    if not chosen:
        return None
    start, granularity, label, extract_id = chosen[-1]
    where = {
        "organization": organization,
        "extract_id": extract_id,
        "measure": measure,
        "dimension": dimension,
        "period_start": start,
        "granularity": granularity,
    }
    cells = tuple(
        _cell(v)
        for v in PublishedResult.objects.filter(**where).order_by("position").values(*CELL_FIELDS)
    )
    summary_row = (
        PublishedSummary.objects.filter(**where)
        .values(
            "reference_group",
            "reference_note",
            "groups_compared",
            "blank_reason",
            *equity_stats.SUMMARY_MEASURES,
        )
        .first()
    )
    summary = None
    reference, note = None, ""
    if summary_row:
        reference = summary_row.pop("reference_group") or None
        note = summary_row.pop("reference_note")
        summary = summary_row
    return Table(
        period_start=start,
        period_label=label,
        granularity=granularity,
        reference_group=reference,
        reference_note=note,
        cells=cells,
        summary=summary,
        provenance=_provenances([extract_id])[extract_id],
    )


def _adverse_count(cell: Cell, direction: str) -> int:
    return (
        cell.denominator - cell.numerator
        if direction == Measure.Direction.HIGHER
        else (cell.numerator)
    )


def _gap(focus: Cell, reference: Cell, direction: str) -> dict:
    """The published gap when the table compared the focus with this reference, else the
    same statistics computed from the two published cells."""
    if focus.reference_group == reference.group and not focus.is_reference:
        return {
            "difference": focus.difference,
            "difference_lower": focus.difference_lower,
            "difference_upper": focus.difference_upper,
            "ratio": focus.ratio,
            "ratio_lower": focus.ratio_lower,
            "ratio_upper": focus.ratio_upper,
            "significant": focus.significant,
        }
    stats = equity_stats.compare_pair(
        _adverse_count(focus, direction),
        focus.denominator,
        _adverse_count(reference, direction),
        reference.denominator,
    )
    out = {}
    for name, value in stats.items():
        value = float(value)
        out[name] = None if value != value or value in (float("inf"), float("-inf")) else value
    if out["significant"] is not None:
        out["significant"] = bool(out["significant"])
    if focus.group == reference.group:
        out.update(difference=0.0, difference_lower=None, difference_upper=None, significant=None)
    return out


def series(
    *,
    organization: Organization,
    measure: Measure,
    dimension: str,
    group: str,
    reference_group: str,
) -> list[Pair]:
    chosen = winners(organization=organization, measure=measure, dimension=dimension)
    if not chosen:
        return []
    extract_ids = {e for *_, e in chosen}
    rows = (
        PublishedResult.objects.filter(
            organization=organization,
            measure=measure,
            dimension=dimension,
            group__in=[group, reference_group],
            extract_id__in=extract_ids,
        )
        .order_by()
        .values("extract_id", "period_start", "granularity", *CELL_FIELDS)
    )
    found: dict[tuple, dict[str, Cell]] = {}
    for values in rows:
        key = (values["period_start"], values["granularity"], values["extract_id"])
        found.setdefault(key, {})[values["group"]] = _cell(values)
    provenance = _provenances(extract_ids)
    comparable = reference_group not in equity_stats.NOT_COMPARED
    out = []
    for start, granularity, label, extract_id in chosen:
        cells = found.get((start, granularity, extract_id))
        if not cells:
            continue
        focus, reference = cells.get(group), cells.get(reference_group)
        gap = None
        if (
            comparable
            and focus is not None
            and reference is not None
            and not focus.suppressed
            and not reference.suppressed
            and focus.compared
        ):
            gap = _gap(focus, reference, measure.direction)
        out.append(
            Pair(
                period_start=start,
                period_label=label,
                granularity=granularity,
                focus=focus,
                reference=reference,
                gap=gap,
                provenance=provenance[extract_id],
            )
        )
    return out


def disparity_cells(
    *,
    organization: Organization,
    measure: str | None,
    dimension: str | None,
    order: str,
    limit: int | None,
) -> list[Found]:
    """The latest published extract's disparities, ranked and limited in the database."""
    from data_hub.results import selectors

    extract = selectors.latest_extract(organization=organization)
    if extract is None:
        return []
    rows = selectors.disparity_queryset(
        organization=organization,
        extract=extract,
        sort="excess" if order == "excess" else "difference",
        measure=measure,
        dimension=dimension,
    )
    if limit is not None:
        rows = rows[:limit]
    provenance = selectors.provenance_of(extract)
    return [
        Found(
            measure_code=values["measure__code"],
            measure_name=values["measure__name"],
            dimension=values["dimension"],
            period_start=values["period_start"],
            period_label=values["period_label"],
            cell=_cell(values),
            provenance=provenance,
        )
        for values in rows
    ]
