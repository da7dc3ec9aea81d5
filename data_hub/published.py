"""Reads of results for the read API (`data_hub.api`): tables, series across extracts and
the disparities list, as plain cells with suppression applied.

For a period covered by several processed extracts the most recently processed one wins
(ties: the higher id).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

import equity_stats
from data_hub.models import Extract, Measure, StratifiedCount
from data_hub.provenance import Provenance, effective_k
from data_hub.results import selectors
from equity_portal.core.models import Organization

SUMMARY_FIELDS = equity_stats.SUMMARY_COLUMNS[1:]


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
    reference_adverse_rate: float | None
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
    provenance: Provenance


@dataclass(frozen=True)
class Found:
    measure: Measure
    dimension: str
    period_start: date
    period_label: str
    cell: Cell
    reference_rate: float | None
    provenance: Provenance


def _num(value) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def _int(value) -> int | None:
    value = _num(value)
    return None if value is None else int(value)


def _flag(value) -> bool | None:
    if value is None or value is pd.NA:
        return None
    try:
        if value != value:
            return None
    except TypeError:
        return None
    return bool(value)


def _text(value) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def cell_of(r: dict) -> Cell:
    """A stratified row as a cell; a suppressed cell carries no number at all."""
    suppressed = bool(r["suppressed"])

    def number(column):
        return None if suppressed else _num(r[column])

    return Cell(
        group=r["group"],
        compared=bool(r["compared"]),
        is_reference=bool(r["is_reference"]),
        suppressed=suppressed,
        numerator=None if suppressed else _int(r["numerator"]),
        denominator=None if suppressed else _int(r["denominator"]),
        rate=number("rate"),
        rate_lower=number("rate_lower"),
        rate_upper=number("rate_upper"),
        adverse_rate=number("adverse_rate"),
        reference_group=_text(r["reference_group"]),
        reference_adverse_rate=number("reference_adverse_rate"),
        difference=number("difference"),
        difference_lower=number("difference_lower"),
        difference_upper=number("difference_upper"),
        ratio=number("ratio"),
        ratio_lower=number("ratio_lower"),
        ratio_upper=number("ratio_upper"),
        significant=None if suppressed else _flag(r["significant"]),
        excess_events=number("excess_adverse_events"),
    )


def rate_of_adverse(adverse: float | None, direction: str) -> float | None:
    if adverse is None:
        return None
    return 1.0 - adverse if direction == Measure.Direction.HIGHER else adverse


def reference_note(rule: str, reference_group: str | None, named: str | None = None) -> str:
    if reference_group is None:
        if rule == equity_stats.REF_NAMED and named:
            return f"No reference: {named} is absent or suppressed in this table."
        return "No reference: fewer than two compared groups can be shown."
    if reference_group == equity_stats.POOLED:
        return "Reference: the pooled rate of the compared groups that can be shown."
    label = {
        equity_stats.REF_LARGEST: "the largest group",
        equity_stats.REF_BEST: "the group with the best rate",
        equity_stats.REF_NAMED: "the named group",
    }.get(rule, "the reference")
    return f"Reference: {reference_group} ({label})."


# --------------------------------------------------------------------------- extracts


def measure_choices(*, organization: Organization) -> list[tuple[str, str]]:
    return list(
        Measure.objects.filter(
            organization=organization, counts__extract__status=Extract.Status.PROCESSED
        )
        .order_by("code")
        .values_list("code", "name")
        .distinct()
    )


def winners(
    *, organization: Organization, measure: Measure, dimension: str
) -> list[tuple[date, str, str, int]]:
    """(period_start, granularity, period_label, extract id) per period of the measure x
    dimension, oldest first: the most recently processed extract covering it."""
    keys = (
        StratifiedCount.objects.filter(
            organization=organization,
            measure=measure,
            dimension=dimension,
            extract__status=Extract.Status.PROCESSED,
        )
        .values_list(
            "period_start", "granularity", "period_label", "extract_id", "extract__processed_at"
        )
        .distinct()
        .order_by()
    )
    best: dict[tuple[date, str], tuple] = {}
    for start, granularity, label, extract_id, processed_at in keys:
        rank = (processed_at.timestamp() if processed_at else 0.0, extract_id)
        current = best.get((start, granularity))
        if current is None or rank > current[0]:
            best[(start, granularity)] = (rank, label, extract_id)
    return sorted((s, g, label, e) for (s, g), (_, label, e) in best.items())


def _frames(
    *,
    organization: Organization,
    measure: Measure,
    dimension: str,
    chosen: list[tuple[date, str, str, int]],
    rule: str,
    reference_group: str | None,
) -> tuple[pd.DataFrame, dict[int, Provenance]]:
    """Stratified rows of the chosen (period, extract) pairs: one query for the counts
    and one for the extracts, then one engine call per extract."""
    extract_ids = sorted({e for *_, e in chosen})
    wanted = {(s, g, e) for s, g, _, e in chosen}
    rows = list(
        StratifiedCount.objects.filter(
            organization=organization,
            measure=measure,
            extract_id__in=extract_ids,
            dimension__in=selectors.with_margins(dimension),
        )
        .order_by()
        .values_list("extract_id", *selectors.COUNT_FIELDS)
    )
    counts = pd.DataFrame.from_records(rows, columns=["extract_id", *selectors.COUNT_FIELDS])
    extracts = list(Extract.objects.filter(pk__in=extract_ids).select_related("provenance"))
    provenance = {e.pk: Provenance.of(e) for e in extracts}
    parts = []
    k = effective_k(organization)
    by_id = {e.pk: e for e in extracts}
    for extract_id, part in counts.groupby("extract_id", sort=True):
        frame = selectors.stratified(
            part.drop(columns="extract_id").reset_index(drop=True),
            organization=organization,
            extract=by_id[extract_id],
            measures={measure.pk: measure},
            k=k,
            rule=rule,
            reference_group=reference_group,
        )
        frame = frame[frame["dimension"] == dimension]
        keep = [
            (s, g, extract_id) in wanted
            for s, g in zip(frame["period_start"], frame["granularity"], strict=True)
        ]
        frame = frame[keep].copy()
        frame["extract_id"] = extract_id
        parts.append(frame)
    if not parts:
        return pd.DataFrame(), provenance
    return pd.concat(parts, ignore_index=True), provenance


def _own_rule(measure: Measure) -> tuple[str, str | None]:
    rule, named = measure.reference_rule, measure.reference_group or None
    if rule == equity_stats.REF_NAMED and (not named or named in equity_stats.NOT_COMPARED):
        return equity_stats.REF_LARGEST, None
    return rule, named


def table(
    *, organization: Organization, measure: Measure, dimension: str, period: date | None
) -> Table | None:
    chosen = winners(organization=organization, measure=measure, dimension=dimension)
    if period is not None:
        chosen = [c for c in chosen if c[0] == period]
    if not chosen:
        return None
    chosen = chosen[-1:]
    start, granularity, label, extract_id = chosen[0]
    rule, named = _own_rule(measure)
    frame, provenance = _frames(
        organization=organization,
        measure=measure,
        dimension=dimension,
        chosen=chosen,
        rule=rule,
        reference_group=named,
    )
    if frame.empty:
        return None
    records = frame.to_dict("records")
    cells = tuple(cell_of(r) for r in records)
    reference = next((c.reference_group for c in cells if c.reference_group), None)
    summary_frame = selectors.summary(frame.drop(columns="extract_id"))
    summary = None
    if not summary_frame.empty:
        s = summary_frame.to_dict("records")[0]
        summary = {name: _num(s[name]) for name in SUMMARY_FIELDS}
        summary["groups_compared"] = int(s["groups_compared"])
    return Table(
        period_start=start,
        period_label=label,
        granularity=granularity,
        reference_group=reference,
        reference_note=reference_note(rule, reference, named),
        cells=cells,
        summary=summary,
        provenance=provenance[extract_id],
    )


def series(
    *,
    organization: Organization,
    measure: Measure,
    dimension: str,
    group: str,
    reference_group: str,
) -> list[Pair]:
    chosen = winners(organization=organization, measure=measure, dimension=dimension)
    if not chosen or reference_group in equity_stats.NOT_COMPARED:
        return []
    frame, provenance = _frames(
        organization=organization,
        measure=measure,
        dimension=dimension,
        chosen=chosen,
        rule=equity_stats.REF_NAMED,
        reference_group=reference_group,
    )
    if frame.empty:
        return []
    by_key: dict[tuple, dict[str, dict]] = {}
    for r in frame.to_dict("records"):
        if r["group"] in (group, reference_group):
            key = (r["period_start"], r["granularity"])
            by_key.setdefault(key, {})[r["group"]] = r
    out = []
    for start, granularity, label, extract_id in chosen:
        found = by_key.get((start, granularity))
        if not found:
            continue
        focus, ref = found.get(group), found.get(reference_group)
        out.append(
            Pair(
                period_start=start,
                period_label=label,
                granularity=granularity,
                focus=cell_of(focus) if focus is not None else None,
                reference=cell_of(ref) if ref is not None else None,
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
    extract = selectors.latest_extract(organization=organization)
    if extract is None:
        return []
    frame, measures = selectors.disparities(organization=organization, extract=extract)
    if frame.empty:
        return []
    if measure is not None:
        frame = frame[frame["measure_code"] == measure]
    if dimension is not None:
        frame = frame[frame["dimension"] == dimension]
    column = "excess_adverse_events" if order == "excess" else "difference"
    frame = frame.assign(
        _key=frame["measure_code"] + "|" + frame["dimension"] + "|" + frame["group"]
    )
    frame = frame.sort_values([column, "_key"], ascending=[False, True])
    if limit is not None:
        frame = frame.head(limit)
    provenance = Provenance.of(extract)
    out = []
    for r in frame.to_dict("records"):
        m = measures[r["measure_id"]]
        cell = cell_of(r)
        out.append(
            Found(
                measure=m,
                dimension=r["dimension"],
                period_start=r["period_start"],
                period_label=r["period_label"],
                cell=cell,
                reference_rate=rate_of_adverse(cell.reference_adverse_rate, m.direction),
                provenance=provenance,
            )
        )
    return out
