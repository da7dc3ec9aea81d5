"""Reads behind the results explorer, the disparities list and the exports.

Counts come from `StratifiedCount` (one query per page piece, organization passed
explicitly); every rate, interval, disparity and suppression decision comes from
`equity_stats` (DESIGN §5). Nothing here formats numbers for people: views, charts and
exports do that from the same frames, so the page, the CSV and the XLSX agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from django.db.models import Max, Q
from django.http import Http404

import equity_stats
from data_hub import disclosure
from data_hub.models import (
    INTERSECTION_SEPARATOR,
    OVERALL_DIMENSION,
    Extract,
    Measure,
    StratifiedCount,
)
from data_hub.provenance import Provenance, effective_k
from equity_portal.core.models import Organization

__all__ = ["Provenance"]

# A table is one measure x period (start and granularity) x dimension.
TABLE_KEYS = ("measure_id", "period_start", "granularity", "dimension")
COUNT_FIELDS = (
    "measure_id",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "group",
    "numerator",
    "denominator",
)
DIMENSION_ORDER = (
    "race_ethnicity",
    "race",
    "ethnicity",
    "language",
    "sex",
    "age_band",
    "payer",
    "site",
)
RULE_LABELS = {
    equity_stats.REF_LARGEST: "Largest group",
    equity_stats.REF_BEST: "Best rate",
    equity_stats.REF_POOLED: "Pooled rate of the compared groups",
    equity_stats.REF_NAMED: "A named group",
}


def export_k(organization: Organization) -> int:
    """The organization's threshold, never below the floor (exports included)."""
    return effective_k(organization)


# --------------------------------------------------------------------------- extracts


def processed_extracts(*, organization: Organization):
    return (
        Extract.objects.filter(organization=organization, status=Extract.Status.PROCESSED)
        .select_related("provenance")
        .order_by("-processed_at", "-id")
    )


def latest_extract(*, organization: Organization) -> Extract | None:
    return processed_extracts(organization=organization).first()


def extract_for(*, organization: Organization, extract_id) -> Extract | None:
    """A processed extract of the organization by id (None when not one of them)."""
    try:
        pk = int(extract_id)
    except (TypeError, ValueError):
        return None
    return processed_extracts(organization=organization).filter(pk=pk).first()


def requested_extract(*, organization: Organization, raw: str | None) -> Extract | None:
    """The extract a page's ?extract= names (404 unless a processed one of this
    organization), else the latest processed one (None when there is none)."""
    if raw:
        extract = extract_for(organization=organization, extract_id=raw)
        if extract is None:
            raise Http404("No such extract.")
        return extract
    return latest_extract(organization=organization)


# --------------------------------------------------------------------------- catalogue


@dataclass
class Catalogue:
    """What an extract holds: measures, and per measure its periods and dimensions."""

    measures: list[Measure]
    periods: dict[int, list[tuple[date, str, str]]]  # (start, granularity, label), oldest first
    dimensions: dict[int, list[str]]

    def measure(self, code: str | None) -> Measure | None:
        return next((m for m in self.measures if m.code == code), None)


def _dimension_key(name: str):
    parts = name.split(INTERSECTION_SEPARATOR)
    first = DIMENSION_ORDER.index(parts[0]) if parts[0] in DIMENSION_ORDER else 99
    return (len(parts), first, name)


def catalogue(*, organization: Organization, extract: Extract) -> Catalogue:
    """Two queries whatever the data size: the measures and the distinct table keys."""
    keys = (
        StratifiedCount.objects.filter(organization=organization, extract=extract)
        .values_list("measure_id", "period_start", "granularity", "period_label", "dimension")
        .distinct()
        .order_by()
    )
    periods: dict[int, set] = {}
    dimensions: dict[int, set] = {}
    for measure_id, start, granularity, label, dimension in keys:
        periods.setdefault(measure_id, set()).add((start, granularity, label))
        if dimension != OVERALL_DIMENSION:
            dimensions.setdefault(measure_id, set()).add(dimension)
    measures = list(Measure.objects.filter(organization=organization, pk__in=list(periods)))
    return Catalogue(
        measures=measures,
        periods={m: sorted(p) for m, p in periods.items()},
        dimensions={m: sorted(d, key=_dimension_key) for m, d in dimensions.items()},
    )


# --------------------------------------------------------------------------- counts -> stats


def count_frame(
    *,
    organization: Organization,
    extract: Extract,
    measure_ids=None,
    dimensions: list[str] | None = None,
    periods: dict[int, date] | None = None,
) -> pd.DataFrame:
    """The extract's counts as a frame (one query). `periods` maps measure id -> the one
    period start to keep for that measure."""
    counts = StratifiedCount.objects.filter(organization=organization, extract=extract)
    if measure_ids is not None:
        counts = counts.filter(measure_id__in=list(measure_ids))
    if dimensions is not None:
        counts = counts.filter(dimension__in=dimensions)
    if periods is not None:
        if not periods:
            counts = counts.none()
        else:
            condition = Q()
            for measure_id, start in periods.items():
                condition |= Q(measure_id=measure_id, period_start=start)
            counts = counts.filter(condition)
    rows = list(counts.order_by().values_list(*COUNT_FIELDS))
    frame = pd.DataFrame.from_records(rows, columns=list(COUNT_FIELDS))
    return frame


def with_margins(dimension: str) -> list[str]:
    """A dimension and, for an intersection, the single dimensions that are its margins
    (needed to protect it from subtraction)."""
    parts = dimension.split(INTERSECTION_SEPARATOR)
    return [dimension, *parts] if len(parts) > 1 else [dimension]


def latest_periods(*, organization: Organization, extract: Extract) -> dict[int, date]:
    """Measure id -> its latest period start in the extract (one query)."""
    return dict(
        StratifiedCount.objects.filter(organization=organization, extract=extract)
        .values("measure_id")
        .annotate(latest=Max("period_start"))
        .order_by()
        .values_list("measure_id", "latest")
    )


def stratified(
    counts: pd.DataFrame,
    *,
    organization: Organization,
    extract: Extract,
    measures: dict[int, Measure],
    k: int,
    rule: str | None = None,
    reference_group: str | None = None,
) -> pd.DataFrame:
    """`equity_stats.stratify` over every table of `counts`, one call per direction and
    reference setting (the engine takes one of each per call), in a stable order: measure
    code, period, dimension, group. `rule` None uses each measure's own reference setting
    (DESIGN §5.4); a rule given here (the explorer's choice) applies to every measure. Adds
    `measure_code` and `direction`. Which cells are suppressed is decided for the whole
    extract at once by `data_hub.disclosure` (every table, margin and quality count
    together, audited); `counts` must be counts of `extract`."""
    if counts.empty:
        columns = [*COUNT_FIELDS, *equity_stats.STRATIFY_COLUMNS, "measure_code", "direction"]
        return pd.DataFrame(columns=columns)
    counts = counts.copy()
    decisions = disclosure.decisions_for(organization=organization, extract=extract, k=k)
    counts["_hidden"] = decisions.result_mask(counts, k=k)
    counts["measure_code"] = counts["measure_id"].map(lambda m: measures[m].code)
    counts["direction"] = counts["measure_id"].map(lambda m: measures[m].direction)
    if rule is None:
        counts["_rule"] = counts["measure_id"].map(lambda m: measures[m].reference_rule)
        counts["_ref"] = counts["measure_id"].map(lambda m: measures[m].reference_group)
    else:
        counts["_rule"] = rule
        counts["_ref"] = reference_group or ""
    parts = []
    for (direction, part_rule, part_ref), part in counts.groupby(
        ["direction", "_rule", "_ref"], sort=True
    ):
        parts.append(
            equity_stats.stratify(
                part.drop(columns=["_rule", "_ref", "_hidden"]).reset_index(drop=True),
                suppressed=part["_hidden"].to_numpy(dtype=bool),
                direction=direction,
                k=k,
                reference_rule=part_rule,
                reference_group=(part_ref or None) if part_rule == equity_stats.REF_NAMED else None,
                table_keys=TABLE_KEYS,
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out["_dim"] = out["dimension"].map(_dimension_key)
    out = out.sort_values(["measure_code", "period_start", "granularity", "_dim", "group"])
    return out.drop(columns="_dim").reset_index(drop=True)


def summary(stratified_frame: pd.DataFrame) -> pd.DataFrame:
    """`equity_stats.summary_measures` per table, with the tables' labels carried over."""
    if stratified_frame.empty:
        return pd.DataFrame(
            columns=[*TABLE_KEYS, "measure_code", "period_label", *equity_stats.SUMMARY_COLUMNS]
        )
    out = equity_stats.summary_measures(stratified_frame, table_keys=TABLE_KEYS)
    labels = stratified_frame.drop_duplicates(list(TABLE_KEYS))[
        [*TABLE_KEYS, "measure_code", "period_label"]
    ]
    return out.merge(labels, on=list(TABLE_KEYS), how="left")


# --------------------------------------------------------------------------- disparities


def disparities(
    *,
    organization: Organization,
    extract: Extract,
    rule: str | None = None,
) -> tuple[pd.DataFrame, dict[int, Measure]]:
    """Significant disparities (a group fares worse than the reference) of each measure's
    latest period, across every dimension and intersection. Three queries."""
    periods = latest_periods(organization=organization, extract=extract)
    measures = {
        m.pk: m for m in Measure.objects.filter(organization=organization, pk__in=list(periods))
    }
    counts = count_frame(organization=organization, extract=extract, periods=periods)
    counts = counts[counts["dimension"] != OVERALL_DIMENSION]
    frame = stratified(
        counts,
        organization=organization,
        extract=extract,
        measures=measures,
        k=export_k(organization),
        rule=rule,
    )
    if frame.empty:
        return frame, measures
    significant = frame["significant"].fillna(False).astype(bool).to_numpy()
    worse = frame["difference"].to_numpy(dtype=float, na_value=np.nan) > 0
    found = frame[significant & worse & ~frame["suppressed"].astype(bool).to_numpy()]
    return found.reset_index(drop=True), measures
