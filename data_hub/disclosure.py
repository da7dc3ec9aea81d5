"""Which counts of an extract may leave the server: the one adapter between the stored counts
and `equity_stats.disclosure` (issue 10). No other module decides suppression.

`decisions_for(organization=, extract=, k=)` builds the extract's whole publication (every
`StratifiedCount` of every measure, period, dimension and intersection, and the
data-quality `QualityCount`s), lets `equity_stats.protect_publication` decide primary and
secondary suppression together (audited until the audit passes), and answers per cell.
Decisions are cached per extract, k and data version (the provenance's computed_at and
re-stratification count, the quality snapshot's computed_at). `protect_extract` runs it in
the worker once the quality counts are stored (after every ingest and re-stratification)
and records the audit figures in the extract's provenance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.core.cache import cache

import equity_stats
from data_hub.models import COUNT_FIELDS, Extract, ExtractProvenance, StratifiedCount
from data_hub.provenance import effective_k
from equity_portal.core.models import Organization

logger = logging.getLogger(__name__)
CACHE_SECONDS = 24 * 3600
_FIELDS = ("measure_id", "period_start", "granularity", "dimension", "group", "numerator")
_QUALITY_FIELDS = ("period_start", "granularity", "site", "dimension", "group", "patients")


@dataclass(frozen=True)
class ExtractDecisions:
    """Suppression decisions for everything one extract publishes."""

    hidden: frozenset
    primary: frozenset
    figures: dict

    def result_hidden(self, measure_id, period_start, granularity, dimension, group) -> bool:
        key = equity_stats.disclosure._result_key(
            measure_id, period_start, granularity, dimension, group
        )
        return key in self.hidden

    def result_mask(self, counts: pd.DataFrame, *, k: int) -> np.ndarray:
        """One flag per row of a counts frame (columns measure_id, period_start,
        granularity, dimension, group, numerator, denominator). A row the decisions do
        not know (it cannot happen for stored counts) falls back to the primary rule."""
        if counts.empty:
            return np.zeros(0, dtype=bool)
        # Columns as lists: pandas 3 iterates its Arrow-backed text columns one scalar at a
        # time (about 2 us each; itertuples took 0.07 s for 11,000 rows).
        columns = ("measure_id", "period_start", "granularity", "dimension", "group")
        hidden = np.fromiter(
            (
                self.result_hidden(*row)
                for row in zip(*(counts[c].tolist() for c in columns), strict=True)
            ),
            dtype=bool,
            count=len(counts),
        )
        primary = equity_stats.primary_suppression(
            counts["numerator"].to_numpy(dtype=float),
            counts["denominator"].to_numpy(dtype=float),
            k,
        )
        return hidden | primary

    def quality_hidden(self, period_start, granularity, site, dimension, category) -> bool:
        """category: "patients", "known", Unknown or Declined."""
        return ("q", period_start, granularity, site, dimension, category) in self.hidden

    def group_hidden(self, period_start, granularity, site, dimension, group) -> bool:
        """A group's patients in the category distribution."""
        if group in equity_stats.NOT_COMPARED:
            return self.quality_hidden(period_start, granularity, site, dimension, group)
        return ("q", period_start, granularity, site, dimension, "group", group) in self.hidden


def _version(extract: Extract) -> str:
    from data_hub.quality.models import QualitySnapshot

    try:
        prov = extract.provenance
        data = f"{prov.computed_at.isoformat()}-{prov.restratified_count}"
    except ExtractProvenance.DoesNotExist:
        data = "none"
    snapshot = (
        QualitySnapshot.objects.filter(extract_id=extract.pk)
        .values_list("computed_at", flat=True)
        .first()
    )
    return f"{data}-{snapshot.isoformat() if snapshot else 'none'}"


@dataclass(frozen=True)
class StoredCounts:
    """An extract's stored counts (columns COUNT_FIELDS) and quality counts (columns
    _QUALITY_FIELDS) as frames: read from the database, or handed over by the job that has
    just stored them."""

    counts: pd.DataFrame
    quality: pd.DataFrame

    @classmethod
    def of(cls, *, counts: list[tuple], quality: list[tuple]) -> StoredCounts:
        return cls(
            counts=pd.DataFrame.from_records(counts, columns=list(COUNT_FIELDS)),
            quality=pd.DataFrame.from_records(quality, columns=list(_QUALITY_FIELDS)),
        )

    @classmethod
    def read(cls, *, organization: Organization, extract: Extract) -> StoredCounts:
        """Two queries."""
        from data_hub.quality.models import QualityCount

        return cls.of(
            counts=list(
                StratifiedCount.objects.filter(organization=organization, extract=extract)
                .order_by()
                .values_list(*COUNT_FIELDS)
            ),
            quality=list(
                QualityCount.objects.filter(organization=organization, extract=extract)
                .order_by()
                .values_list(*_QUALITY_FIELDS)
            ),
        )


def publication_frames(
    *, organization: Organization, extract: Extract, stored: StoredCounts | None = None
):
    """The extract's counts (as `equity_stats.build_publication` takes them) and quality
    counts as frames."""
    stored = stored or StoredCounts.read(organization=organization, extract=extract)
    counts = stored.counts[[*_FIELDS, "denominator"]].rename(columns={"measure_id": "measure"})
    return counts, stored.quality


def compute(
    *,
    organization: Organization,
    extract: Extract,
    k: int,
    stored: StoredCounts | None = None,
) -> ExtractDecisions:
    counts, quality = publication_frames(organization=organization, extract=extract, stored=stored)
    publication = equity_stats.build_publication(counts, quality if len(quality) else None)
    decisions = equity_stats.protect_publication(publication.cells, publication.relations, k=k)
    if not decisions.report.passed:  # nothing left to hide: never publish a disclosure
        logger.error(
            "disclosure: extract %s still discloses %d cell(s) after protection",
            extract.pk,
            len(decisions.report.findings),
        )
        hidden = frozenset(c.key for c in publication.cells)
    else:
        hidden = decisions.hidden
    figures = decisions.figures()
    figures["cells"] = len(publication.cells)
    figures["k"] = k
    return ExtractDecisions(hidden=hidden, primary=decisions.primary, figures=figures)


def decisions_for(
    *,
    organization: Organization,
    extract: Extract,
    k: int | None = None,
    stored: StoredCounts | None = None,
) -> ExtractDecisions:
    """The extract's decisions (cached; computed on a miss, from `stored` when given)."""
    k = effective_k(organization) if k is None else k
    key = f"disclosure:{equity_stats.METHOD_VERSION}:{extract.pk}:{k}:{_version(extract)}"
    found = cache.get(key)
    if found is None:
        found = compute(organization=organization, extract=extract, k=k, stored=stored)
        cache.set(key, found, CACHE_SECONDS)
    return found


def protect_extract(*, extract: Extract, stored: StoredCounts | None = None) -> dict | None:
    """Decide and audit what the extract publishes (the worker, after its quality counts
    are stored) and record the figures in its provenance. Returns the figures. `stored`:
    the counts the job has just stored, else they are read."""
    organization = extract.organization
    decisions = decisions_for(organization=organization, extract=extract, stored=stored)
    ExtractProvenance.objects.filter(extract=extract).update(disclosure=decisions.figures)
    logger.info("disclosure: extract %s %s", extract.pk, decisions.figures)
    return decisions.figures


# --------------------------------------------------------------------------- operational pages


@dataclass(frozen=True)
class OperationalCounts:
    """An extract's row counts for the extract list, the extract detail, the validation
    report and the unmapped-values list, as shown to one member: exact for roles that
    manage data (they hold the file anyway), otherwise protected like any published count
    (below k: "fewer than k"; a complement hidden so that it cannot be subtracted:
    "not shown")."""

    rows_read: int | str
    rows_accepted: int | str
    rows_rejected: int | str
    rows_excluded: int | str
    rows_skipped: int | str
    rejected_percent: float | None
    reasons: list  # (reason, count shown), most frequent first
    unmapped: dict  # family -> [(value, count shown)]
    exact: bool


def _as_int(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def operational_counts(*, extract: Extract, exact: bool, k: int) -> OperationalCounts:
    Cell, Relation = equity_stats.Cell, equity_stats.Relation
    totals = {
        "read": _as_int(extract.rows_read),
        "accepted": _as_int(extract.rows_accepted),
        "rejected": _as_int(extract.rows_rejected),
        "excluded": _as_int(extract.rows_excluded),
        "skipped": _as_int(extract.rows_skipped),
    }
    reasons = {str(r): _as_int(c) for r, c in (extract.rejected_reasons or {}).items()}
    unmapped = {
        str(f): {str(v): _as_int(c) for v, c in values.items()}
        for f, values in (extract.unmapped_values or {}).items()
        if isinstance(values, dict)
    }
    cells = [Cell(("t", name), None, value) for name, value in totals.items()]
    cells += [Cell(("reason", r), None, c) for r, c in reasons.items()]
    cells += [
        Cell(("unmapped", f, v), None, c)
        for f, values in unmapped.items()
        for v, c in values.items()
    ]
    relations = []
    parts = ("accepted", "rejected", "skipped")
    if totals["read"] == sum(totals[p] for p in parts):
        relations.append(Relation(("t", "read"), tuple(("t", p) for p in parts), counts_only=True))
    if reasons and totals["rejected"] == sum(reasons.values()):
        relations.append(
            Relation(("t", "rejected"), tuple(("reason", r) for r in reasons), counts_only=True)
        )
    hidden = (
        frozenset() if exact else equity_stats.protect_publication(cells, relations, k=k).hidden
    )

    def show(key, value):
        if key not in hidden:
            return value
        return f"fewer than {k}" if value < k else "not shown"

    shown = {name: show(("t", name), value) for name, value in totals.items()}
    percent = None
    if isinstance(shown["rejected"], int) and isinstance(shown["read"], int) and totals["read"]:
        percent = 100.0 * totals["rejected"] / totals["read"]

    def order(items, prefix):
        rows = sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))
        if not exact:  # hidden ones last, by name: their order would rank them
            rows.sort(
                key=lambda kv: (
                    (*prefix, kv[0]) in hidden,
                    kv[0] if (*prefix, kv[0]) in hidden else "",
                )
            )
        return [(name, show((*prefix, name), value)) for name, value in rows]

    return OperationalCounts(
        rows_read=shown["read"],
        rows_accepted=shown["accepted"],
        rows_rejected=shown["rejected"],
        rows_excluded=shown["excluded"],
        rows_skipped=shown["skipped"],
        rejected_percent=percent,
        reasons=order(reasons, ("reason",)),
        unmapped={f: order(values, ("unmapped", f)) for f, values in sorted(unmapped.items())},
        exact=exact,
    )
