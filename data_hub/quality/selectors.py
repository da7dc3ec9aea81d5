"""Data quality reads: completeness (percent known / Unknown / Declined) by site and period,
category distribution, from the stored `QualityCount` rows only, summed in the database (a
bounded number of queries, no data frames, no statistics per request). The figures are
those of `equity_stats.data_quality` / `category_distribution` (sums and shares of the
stored counts; tests check they agree); suppression is decided for the whole extract by
`data_hub.disclosure` (patients are counts that leave the server like any other, and they
share patients with the results tables).

`report_page` returns everything the report shows (the view stays thin); every row carries
its dimension's code (for files and machines) and its label (for people).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Q, Sum

import equity_stats
from data_hub import disclosure
from data_hub.community import selectors as community_selectors
from data_hub.models import Extract, ExtractProvenance, dimension_label
from data_hub.provenance import Provenance, effective_k
from data_hub.results import selectors as results_selectors
from equity_portal.core import revision
from equity_portal.core.charts import with_provenance
from equity_portal.core.models import Organization
from equity_portal.core.roles import Capability
from equity_stats import DECLINED, UNKNOWN

from . import charts
from .exports import QUALITY_COLUMNS, QUALITY_EXPORT_COLUMNS
from .models import ALL_SITES, QUALITY_DIMENSIONS, QualityCount, QualitySnapshot

CATEGORIES = ("known", "unknown", "declined")
TREND_EXPORT_COLUMNS = ("period_label", "dimension", "proportion_known", "suppressed")
UNMAPPED_SHOWN = 200
_UNSET = object()


def _proportion(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


def _percent(part: int, total: int) -> float | None:
    # As equity_stats.data_quality computes it (100 * part / total, no value for no one).
    return 100.0 * part / total if total > 0 else None


def snapshot(*, organization: Organization, extract: Extract) -> QualitySnapshot | None:
    return QualitySnapshot.objects.filter(organization=organization, extract=extract).first()


def _completeness_sums(*, organization: Organization, extract: Extract) -> list[dict]:
    """Patients, Unknown and Declined per dimension x site x period (one grouped query:
    the rows returned are bounded by dimensions x sites x periods, not by groups)."""
    return list(
        QualityCount.objects.filter(organization=organization, extract=extract)
        .values("dimension", "site", "period_start", "granularity", "period_label")
        .annotate(
            total=Sum("patients"),
            unknown=Sum("patients", filter=Q(group=UNKNOWN), default=0),
            declined=Sum("patients", filter=Q(group=DECLINED), default=0),
        )
        .order_by()
    )


def completeness_rows(
    *, organization: Organization, extract: Extract, k: int, decisions=None
) -> list[dict]:
    """One row per dimension x site x period (QUALITY_COLUMNS keys, and the dimension's
    label): patients, known/Unknown/Declined counts and percents; a suppressed number is
    None. The decisions are the extract's (`data_hub.disclosure.decisions_for`, fetched
    when not given and there are counts): the completeness counts are protected together
    with the results tables they share patients with, the sites with their total, and the
    category distribution."""
    sums = _completeness_sums(organization=organization, extract=extract)
    if sums and decisions is None:
        decisions = disclosure.decisions_for(organization=organization, extract=extract, k=k)
    rows = []
    for s in sums:
        key = (s["period_start"], s["granularity"], s["site"], s["dimension"])
        total, unknown, declined = int(s["total"]), int(s["unknown"]), int(s["declined"])
        counts = {"known": total - unknown - declined, "unknown": unknown, "declined": declined}
        hidden = decisions.quality_hidden(*key, "patients")
        row = {
            "period_start": s["period_start"],
            "period_label": s["period_label"],
            "site": s["site"],
            "dimension": s["dimension"],
            "patients": None if hidden else total,
            "suppressed": hidden,
        }
        for c, category in zip(CATEGORIES, ("known", UNKNOWN, DECLINED), strict=True):
            shown = not (hidden or decisions.quality_hidden(*key, category))
            row[c] = counts[c] if shown else None
            row[f"percent_{c}"] = _percent(counts[c], total) if shown else None
        row = {c: row[c] for c in QUALITY_COLUMNS}
        row["dimension_label"] = dimension_label(s["dimension"])
        row["_order"] = (s["dimension"], s["period_start"], s["site"] != ALL_SITES, s["site"])
        rows.append(row)
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


def completeness_export_rows(*, organization: Organization, extract: Extract, k: int) -> list[dict]:
    """Rows with QUALITY_EXPORT_COLUMNS keys: the percents as proportions."""
    rows = completeness_rows(organization=organization, extract=extract, k=k)
    return [
        {
            c: _proportion(r[c.replace("proportion_", "percent_")])
            if c.startswith("proportion_")
            else r[c]
            for c in QUALITY_EXPORT_COLUMNS
        }
        for r in rows
    ]


def trend_rows(rows: list[dict]) -> list[dict]:
    """Percent known per period and dimension, all sites (the trend chart's data)."""
    return [
        {
            "period_label": r["period_label"],
            "dimension": r["dimension"],
            "dimension_label": r["dimension_label"],
            "percent_known": r["percent_known"],
            "suppressed": r["percent_known"] is None,
        }
        for r in rows
        if r["site"] == ALL_SITES and r["dimension"] in QUALITY_DIMENSIONS
    ]


def trend_export_rows(trend: list[dict]) -> list[dict]:
    """The trend chart's data for its CSV: TREND_EXPORT_COLUMNS, proportions, codes."""
    return [
        {
            "period_label": r["period_label"],
            "dimension": r["dimension"],
            "proportion_known": _proportion(r["percent_known"]),
            "suppressed": r["suppressed"],
        }
        for r in trend
    ]


def distribution(
    *,
    organization: Organization,
    extract: Extract,
    rows: list[dict],
    decisions,
) -> list[dict]:
    """Category distribution of the latest period's patients (all sites), per dimension
    (one query; `rows` are the extract's completeness rows, which name the latest
    period)."""
    if not rows:
        return []
    latest = max(r["period_start"] for r in rows)
    found = (
        QualityCount.objects.filter(
            organization=organization, extract=extract, period_start=latest, site=ALL_SITES
        )
        .order_by("granularity", "dimension", "group")
        .values_list("granularity", "period_label", "dimension", "group", "patients")
    )
    granularity = label = None
    patients: dict[tuple[str, str], int] = {}
    for g, period_label, dimension, group, count in found:
        if granularity is None:
            granularity, label = g, period_label
        patients[(dimension, group)] = patients.get((dimension, group), 0) + count
    totals: dict[str, int] = {}
    for (dimension, _), count in patients.items():
        totals[dimension] = totals.get(dimension, 0) + count
    out = []
    for (dimension, group), count in sorted(patients.items()):
        hidden = decisions.group_hidden(latest, granularity, ALL_SITES, dimension, group)
        out.append(
            {
                "dimension": dimension,
                "dimension_label": dimension_label(dimension),
                "group": group,
                "period_label": label or "",
                "patients": None if hidden else count,
                "percent": None if hidden else _percent(count, totals[dimension]),
                "suppressed": hidden,
            }
        )
    return out


def with_community(distribution: list[dict], community: dict[str, dict[str, tuple]]) -> list:
    """The distribution beside the community's population share where community data
    gives it (`community_selectors.population_shares`)."""
    out = []
    for d in distribution:
        share = community.get(d["dimension"], {}).get(d["group"])
        out.append(
            {
                **d,
                "community_percent": share[0] if share else None,
                "community_source": f"{share[2]} {share[3]}, {share[1]}" if share else "",
            }
        )
    return out


# --------------------------------------------------------------------------- stored figures


@dataclass(frozen=True)
class QualityFigures:
    """An extract's completeness rows and category distribution, suppression applied."""

    rows: list[dict]
    distribution: list[dict]


def _data_version(extract: Extract, snapshot_computed_at) -> str:
    # What the figures are made of: the extract's counts (provenance: computed, re-stratified)
    # and its quality counts (the snapshot), as the disclosure decisions are versioned.
    try:
        prov = extract.provenance
        data = f"{prov.computed_at.isoformat()}-{prov.restratified_count}"
    except ExtractProvenance.DoesNotExist:
        data = "none"
    return f"{data}-{snapshot_computed_at.isoformat() if snapshot_computed_at else 'none'}"


def figures(
    *, organization: Organization, extract: Extract, k: int, snapshot_computed_at=_UNSET
) -> QualityFigures:
    """The extract's quality figures, computed once per extract, k and data version and
    cached: a page reads a few hundred small rows instead of the extract's whole disclosure
    decisions (which cover every result cell)."""
    if snapshot_computed_at is _UNSET:
        snapshot_computed_at = (
            QualitySnapshot.objects.filter(organization=organization, extract=extract)
            .values_list("computed_at", flat=True)
            .first()
        )
    key = (
        f"quality-figures:{equity_stats.METHOD_VERSION}:{extract.pk}:{k}:"
        f"{_data_version(extract, snapshot_computed_at)}"
    )
    found = cache.get(key)
    if found is None:
        decisions = disclosure.decisions_for(organization=organization, extract=extract, k=k)
        rows = completeness_rows(
            organization=organization, extract=extract, k=k, decisions=decisions
        )
        found = QualityFigures(
            rows=rows,
            distribution=distribution(
                organization=organization, extract=extract, rows=rows, decisions=decisions
            ),
        )
        cache.set(key, found, disclosure.CACHE_SECONDS)
    return found


# --------------------------------------------------------------------------- the report


@dataclass
class QualityReport:
    """Everything the data quality report shows for one extract."""

    extract: Extract | None
    # Names this answer in the cache of rendered fragments (set by core/revision.py).
    memo_key: str = field(default_factory=revision.unique_key)
    extracts: list[Extract] = field(default_factory=list)
    snapshot: QualitySnapshot | None = None
    provenance: Provenance | None = None
    k: int = 0
    target: float = 0.0
    by_period: list[dict] = field(default_factory=list)
    by_site: list[dict] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    trend_figure: dict | None = None
    distribution: list[dict] = field(default_factory=list)
    unmapped: list[dict] = field(default_factory=list)
    unmapped_total: int = 0
    rejected: list = field(default_factory=list)
    counts: disclosure.OperationalCounts | None = None


def requested_extract(*, organization: Organization, params) -> Extract | None:
    """The processed extract ?extract= names (404 if not one of ours), else the latest one
    (published or not: the report reads its own tables)."""
    return results_selectors.requested_extract(
        organization=organization, raw=params.get("extract"), published=False
    )


def report_page(*, organization: Organization, params, membership) -> QualityReport:
    """The data-quality report (memoized per content revision: core/revision.py)."""
    # Row counts of rare spellings can single out a few patients: exact only for roles
    # that manage data, otherwise protected like any published count (issue 10).
    exact = membership is not None and membership.can(Capability.MANAGE_DATA)
    return revision.memoized(
        "quality.report",
        organization,
        (revision.params_key(params), exact),
        lambda: _report_page(organization, params, exact),
    )


def _report_page(organization: Organization, params, exact: bool) -> QualityReport:
    extract = requested_extract(organization=organization, params=params)
    page = QualityReport(extract=extract)
    if extract is None:
        return page
    k = effective_k(organization)
    page.snapshot = snapshot(organization=organization, extract=extract)
    found = figures(
        organization=organization,
        extract=extract,
        k=k,
        snapshot_computed_at=page.snapshot.computed_at if page.snapshot else None,
    )
    rows = found.rows
    page.k = k
    page.target = float(organization.completeness_target_percent)
    page.provenance = Provenance.of(extract)
    page.extracts = results_selectors.extract_choices(organization=organization, published=False)
    page.by_period = [r for r in rows if r["site"] == ALL_SITES]
    page.by_site = [r for r in rows if r["site"] != ALL_SITES]
    page.trend = trend_rows(rows)
    page.trend_figure = with_provenance(
        charts.completeness_trend_figure(page.trend, target=page.target), page.provenance
    )
    page.distribution = with_community(
        found.distribution, community_selectors.population_shares(organization=organization)
    )
    page.counts = disclosure.operational_counts(extract=extract, exact=exact, k=k)
    unmapped = [
        {"family": family, "family_label": dimension_label(family), "value": value, "rows": n}
        for family, values in page.counts.unmapped.items()
        for value, n in values
    ]
    page.unmapped = unmapped[:UNMAPPED_SHOWN]
    page.unmapped_total = len(unmapped)
    page.rejected = page.counts.reasons
    return page


def trend_csv_rows(*, organization: Organization, params) -> tuple[Extract | None, list[dict]]:
    """The trend chart's extract and CSV rows (TREND_EXPORT_COLUMNS)."""
    extract = requested_extract(organization=organization, params=params)
    if extract is None:
        return None, []
    rows = figures(organization=organization, extract=extract, k=effective_k(organization)).rows
    return extract, trend_export_rows(trend_rows(rows))
