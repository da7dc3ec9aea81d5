"""Reads behind the results explorer, the disparities list, the chart downloads and the
exports: published rows only (`PublishedResult`, `PublishedSummary`, computed once per
extract by `publishing`), filtered, ordered and paginated in the database. The one
exception: the explorer with a reference rule other than the measure's own recomputes
that one measure x dimension from its published rows (suppression decisions unchanged).

Each page has one selector returning everything it shows (`explorer_page`,
`disparities_page`, `chart_data`), so the views stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

import equity_stats
from data_hub.models import (
    INTERSECTION_SEPARATOR,
    OVERALL_DIMENSION,
    Extract,
    Measure,
    PublishedResult,
    PublishedSummary,
    dimension_label,
)
from data_hub.provenance import Provenance, effective_k
from equity_portal.core import revision
from equity_portal.core.models import Organization
from equity_portal.core.tenancy import get_for_org

from . import charts, publishing

__all__ = ["Provenance", "RULE_LABELS", "effective_k"]

PAGE_SIZE = 50
DEFAULT_DIMENSION = "race_ethnicity"
RULE_LABELS = {
    equity_stats.REF_LARGEST: "Largest group",
    equity_stats.REF_BEST: "Best rate",
    equity_stats.REF_POOLED: "Pooled rate of the compared groups",
    equity_stats.REF_NAMED: "A named group",
}
# The columns of a published row the pages, charts and exports read.
ROW_FIELDS = (
    "measure_id",
    "measure__code",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "group",
    "compared",
    "suppressed",
    "is_reference",
    "reference_group",
    "numerator",
    "denominator",
    "rate",
    "rate_lower",
    "rate_upper",
    "adverse_rate",
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
# What the charts over time (trend, gap) read of every period's rows.
HISTORY_FIELDS = (
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "group",
    "suppressed",
    "reference_group",
    "rate",
    "rate_lower",
    "rate_upper",
    "difference",
    "difference_lower",
    "difference_upper",
    "significant",
)
SUMMARY_FIELDS = (
    "measure_id",
    "measure__code",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "reference_rule",
    "reference_group",
    "reference_note",
    "groups_compared",
    *equity_stats.SUMMARY_MEASURES,
    "blank_reason",
)


def export_k(organization: Organization) -> int:
    """The organization's threshold, never below the floor (exports included)."""
    return effective_k(organization)


def _row(values: dict) -> dict:
    """A published row as pages, charts and exports read it (`measure` is the code)."""
    values["measure"] = values.pop("measure__code")
    values["reference_group"] = values["reference_group"] or ""
    values["dimension_label"] = dimension_label(values["dimension"])
    return values


# --------------------------------------------------------------------------- extracts


def processed_extracts(*, organization: Organization, published: bool = True):
    """Processed extracts, latest processed first; with `published` only those whose
    results are published (every extract processed since publishing exists; older ones
    after `manage.py publish_results`). The quality pages read their own tables."""
    extracts = Extract.objects.filter(organization=organization, status=Extract.Status.PROCESSED)
    if published:
        extracts = extracts.filter(publication__isnull=False)
    return extracts.select_related("provenance", "publication").order_by("-processed_at", "-id")


def extract_choices(*, organization: Organization, published: bool = True) -> list[Extract]:
    """The 20 latest processed extracts for a page's extract picker (id, name and date
    only: an extract row carries its validation report)."""
    return list(
        processed_extracts(organization=organization, published=published)
        .select_related(None)
        .only("id", "original_name", "processed_at")[:20]
    )


def latest_extract(*, organization: Organization, published: bool = True) -> Extract | None:
    return processed_extracts(organization=organization, published=published).first()


def extract_for(*, organization: Organization, extract_id, published: bool = True):
    """A processed (published) extract of the organization by id, else None."""
    try:
        pk = int(extract_id)
    except (TypeError, ValueError):
        return None
    return processed_extracts(organization=organization, published=published).filter(pk=pk).first()


def requested_extract(
    *, organization: Organization, raw: str | None, published: bool = True
) -> Extract | None:
    """The extract a page's ?extract= names (404 unless a processed, published one of this
    organization), else the latest one (None when there is none)."""
    if raw:
        extract = extract_for(organization=organization, extract_id=raw, published=published)
        if extract is None:
            raise Http404("No such extract.")
        return extract
    return latest_extract(organization=organization, published=published)


def provenance_of(extract: Extract) -> Provenance:
    publication = getattr(extract, "publication", None)
    return Provenance.of(
        extract, method_version=publication.method_version if publication else None
    )


# --------------------------------------------------------------------------- catalogue


@dataclass
class Catalogue:
    """What an extract holds: measures, and per measure its periods and dimensions."""

    measures: list[Measure]
    periods: dict[int, list[tuple[date, str, str]]]  # (start, granularity, label), oldest first
    dimensions: dict[int, list[str]]

    def measure(self, code: str | None) -> Measure | None:
        return next((m for m in self.measures if m.code == code), None)

    def dimension_choices(self, measure: Measure) -> list[tuple[str, str]]:
        return [(d, dimension_label(d)) for d in self.dimensions.get(measure.pk, [])]


def catalogue(*, organization: Organization, extract: Extract) -> Catalogue:
    """Three queries whatever the data size: the published tables' periods and dimensions
    per measure (distinct in the database), and their measures."""
    tables = (
        PublishedSummary.objects.filter(organization=organization, extract=extract)
        .exclude(dimension=OVERALL_DIMENSION)
        .order_by()
    )
    periods: dict[int, set] = {}
    dimensions: dict[int, set] = {}
    for measure_id, start, granularity, label in tables.values_list(
        "measure_id", "period_start", "granularity", "period_label"
    ).distinct():
        periods.setdefault(measure_id, set()).add((start, granularity, label))
    for measure_id, dimension in tables.values_list("measure_id", "dimension").distinct():
        dimensions.setdefault(measure_id, set()).add(dimension)
    measures = list(Measure.objects.filter(organization=organization, pk__in=list(periods)))
    return Catalogue(
        measures=measures,
        periods={m: sorted(p) for m, p in periods.items()},
        dimensions={m: sorted(d, key=publishing.dimension_sort_key) for m, d in dimensions.items()},
    )


# --------------------------------------------------------------------------- explorer


@dataclass
class Filters:
    extract: Extract
    measure: Measure
    dimension: str
    period: tuple[date, str, str]
    rule: str
    reference_group: str | None
    own_rule: bool

    @property
    def dimension_label(self) -> str:
        return dimension_label(self.dimension)

    def query(self, **overrides) -> str:
        params = {
            "extract": self.extract.pk,
            "measure": self.measure.code,
            "dimension": self.dimension,
            "period": self.period[0].isoformat(),
            "rule": self.rule,
        }
        if self.rule == equity_stats.REF_NAMED and self.reference_group:
            params["ref"] = self.reference_group
        params.update(overrides)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


def _rule(params) -> str | None:
    rule = params.get("rule")
    return rule if rule in equity_stats.REFERENCE_RULES else None


def filters_for(params, extract: Extract, cat: Catalogue) -> Filters | None:
    """The explorer's choices from its GET parameters (so every view can be bookmarked)."""
    code = params.get("measure")
    if code:
        measure = cat.measure(code)
        if measure is None:
            # Another organization's measure is a 404; one of ours without data is empty.
            get_for_org(Measure, code=code)
            return None
    elif cat.measures:
        measure = sorted(cat.measures, key=lambda m: m.code)[0]
    else:
        return None
    dimensions = cat.dimensions.get(measure.pk, [])
    if not dimensions:
        return None
    dimension = params.get("dimension")
    if dimension not in dimensions:
        dimension = DEFAULT_DIMENSION if DEFAULT_DIMENSION in dimensions else dimensions[0]
    periods = cat.periods[measure.pk]
    period = periods[-1]
    wanted = params.get("period", "latest")
    if wanted != "latest":
        period = next((p for p in periods if p[0].isoformat() == wanted), period)
    own, own_named = publishing.own_rule(measure)
    rule = _rule(params)
    reference_group = params.get("ref") or None
    if rule is None:  # the measure's own reference setting (DESIGN §5.4)
        rule, reference_group = own, own_named
    if rule == equity_stats.REF_NAMED and (
        not reference_group or reference_group in equity_stats.NOT_COMPARED
    ):
        rule, reference_group = equity_stats.REF_LARGEST, None
    if rule != equity_stats.REF_NAMED:
        reference_group = None
    is_own = (rule, reference_group) == (own, own_named if own == equity_stats.REF_NAMED else None)
    return Filters(extract, measure, dimension, period, rule, reference_group, is_own)


def _period_filter(period: tuple | None) -> dict:
    return {} if period is None else {"period_start": period[0], "granularity": period[1]}


def _published(*, organization: Organization, f: Filters):
    """The chosen extract's published rows of the measure x dimension, in table order."""
    return PublishedResult.objects.filter(
        organization=organization, extract=f.extract, measure=f.measure, dimension=f.dimension
    ).order_by("period_start", "granularity", "position")


def _published_rows(
    *, organization: Organization, f: Filters, period: tuple | None = None
) -> list[dict]:
    """The measure x dimension's rows of one period, or of every period (one query,
    bounded by periods x groups)."""
    return [
        _row(values)
        for values in _published(organization=organization, f=f)
        .filter(**_period_filter(period))
        .values(*ROW_FIELDS)
    ]


def _history_rows(*, organization: Organization, f: Filters) -> list[dict]:
    """Every period of the measure x dimension with only what the charts over time read
    (one query; an intersection has periods x groups rows, so narrow ones)."""
    found = _published(organization=organization, f=f).values_list(*HISTORY_FIELDS)
    rows = []
    for values in found:
        row = dict(zip(HISTORY_FIELDS, values, strict=True))
        row["reference_group"] = row["reference_group"] or ""
        rows.append(row)
    return rows


def _published_summaries(
    *, organization: Organization, f: Filters, period: tuple | None = None
) -> list[dict]:
    return [
        _row(values)
        for values in PublishedSummary.objects.filter(
            organization=organization,
            extract=f.extract,
            measure=f.measure,
            dimension=f.dimension,
            **_period_filter(period),
        )
        .order_by("period_start", "granularity")
        .values(*SUMMARY_FIELDS)
    ]


def _recompute(rows: list[dict], summaries: list[dict], f: Filters, k: int):
    """The measure x dimension with another reference rule, from its published rows: the
    suppression decisions and the summaries' coverage verdicts are the published ones."""
    frame = pd.DataFrame(rows)
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    counts = frame[["measure_id", "period_start", "granularity", "period_label", "dimension"]]
    counts = counts.assign(
        group=frame["group"],
        numerator=np.where(hidden, 0, frame["numerator"].fillna(0)).astype(np.int64),
        denominator=np.where(hidden, 0, frame["denominator"].fillna(0)).astype(np.int64),
    )
    out, summary = publishing.compute(
        counts,
        measures={f.measure.pk: f.measure},
        k=k,
        suppressed=hidden,
        rule=f.rule,
        reference_group=f.reference_group,
    )
    out = out.rename(columns={"excess_adverse_events": "excess_events"})
    records = []
    for r in out.to_dict("records"):
        suppressed = bool(r["suppressed"])
        row = {name: r.get(name) for name in ROW_FIELDS if name != "measure__code"}
        row["measure__code"] = f.measure.code
        for name in (*publishing.NUMBER_FIELDS, "excess_events", "numerator", "denominator"):
            row[name] = None if suppressed else _plain(row[name])
        row["reference_rate"] = _plain(row["reference_rate"])
        row["significant"] = None if suppressed else _flag(row["significant"])
        row["reference_group"] = _text(row["reference_group"])
        row["is_reference"] = bool(row["is_reference"]) and not suppressed
        row["compared"] = bool(row["compared"])
        row["suppressed"] = suppressed
        if row["numerator"] is not None:
            row["numerator"], row["denominator"] = int(row["numerator"]), int(row["denominator"])
        records.append(_row(row))
    verdicts = {
        (s["period_start"], s["granularity"]): s["blank_reason"]
        for s in summaries
        if s["blank_reason"] == equity_stats.COVERAGE_REASON
    }
    new_summaries = []
    for s in summary.to_dict("records"):
        entry = {name: s.get(name) for name in SUMMARY_FIELDS if name != "measure__code"}
        entry["measure__code"] = f.measure.code
        entry["reference_group"] = _text(entry["reference_group"])
        entry["blank_reason"] = _text(entry["blank_reason"])
        for name in equity_stats.SUMMARY_MEASURES:
            entry[name] = _plain(entry[name])
        reason = verdicts.get((s["period_start"], s["granularity"]))
        if reason and not entry["blank_reason"]:
            entry["blank_reason"] = reason
            for name in equity_stats.SUMMARY_MEASURES:
                entry[name] = None
        new_summaries.append(_row(entry))
    return records, new_summaries


def _plain(value):
    if value is None or value is pd.NA:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if not np.isfinite(value) else value


def _flag(value):
    if value is None or value is pd.NA:
        return None
    return bool(value)


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def explorer_url(organization: Organization, **params) -> str:
    base = reverse("results:explorer", kwargs={"org_slug": organization.slug})
    return f"{base}?{urlencode({k: v for k, v in params.items() if v is not None})}"


@dataclass
class ExplorerPage:
    extract: Extract | None
    # Names this answer in the cache of rendered fragments (set by core/revision.py).
    memo_key: str = field(default_factory=revision.unique_key)
    extracts: list[Extract] = field(default_factory=list)
    catalogue: Catalogue | None = None
    filters: Filters | None = None
    provenance: Provenance | None = None
    k: int = equity_stats.MIN_K
    rows: list[dict] = field(default_factory=list)
    summary: dict | None = None
    reference_name: str = ""
    reference_note: str = ""
    charts: list[dict] = field(default_factory=list)
    compared_groups: list[str] = field(default_factory=list)
    dimension_choices: list[tuple[str, str]] = field(default_factory=list)
    query: str = ""


@revision.memoized_by_params("results.explorer")
def _explorer_data(organization: Organization, params) -> ExplorerPage:
    extract = requested_extract(organization=organization, raw=params.get("extract"))
    page = ExplorerPage(extract=extract)
    if extract is None:
        return page
    page.k = export_k(organization)
    page.provenance = provenance_of(extract)
    page.catalogue = catalogue(organization=organization, extract=extract)
    page.extracts = extract_choices(organization=organization)
    f = filters_for(params, extract, page.catalogue)
    page.filters = f
    if f is None:
        return page
    page.dimension_choices = page.catalogue.dimension_choices(f.measure)
    start, granularity = f.period[0], f.period[1]
    if f.own_rule:  # the published rows: the chosen period's, and every period's for charts
        current = _published_rows(organization=organization, f=f, period=f.period)
        rows = _history_rows(organization=organization, f=f)
        summaries = _published_summaries(organization=organization, f=f, period=f.period)
    else:  # another reference rule: recomputed from every period's published rows
        rows = _published_rows(organization=organization, f=f)
        summaries = _published_summaries(organization=organization, f=f)
        rows, summaries = _recompute(rows, summaries, f, page.k)
        current = [
            r for r in rows if r["period_start"] == start and r["granularity"] == granularity
        ]
    page.query = f.query()
    page.rows = current
    page.summary = next(
        (s for s in summaries if s["period_start"] == start and s["granularity"] == granularity),
        None,
    )
    if page.summary:
        page.reference_name = page.summary["reference_group"]
        page.reference_note = page.summary["reference_note"]
    page.compared_groups = sorted(
        {
            r["group"].split(INTERSECTION_SEPARATOR)[0]
            for r in current
            if r["compared"] and r["group"].split(INTERSECTION_SEPARATOR)[0]
        }
    )
    page.charts = charts.explorer_charts(
        current=current, every_period=rows, filters=f, provenance=page.provenance
    )
    return page


def explorer_page(*, organization: Organization, params) -> ExplorerPage:
    """Everything the explorer shows for its GET parameters."""
    return _explorer_data(organization, params)


def chart_data(*, organization: Organization, params, chart: str) -> tuple[ExplorerPage, dict]:
    """One explorer chart (its rows feed the CSV download)."""
    page = _explorer_data(organization, params)
    if page.extract is None:
        raise Http404("No processed extract.")
    if page.filters is None:
        raise Http404("No results for this measure.")
    found = next((c for c in page.charts if c["key"] == chart), None)
    if found is None:
        raise Http404("No such chart.")
    return page, found


# --------------------------------------------------------------------------- disparities


@dataclass
class DisparitiesPage:
    extract: Extract | None
    # Names this answer in the cache of rendered fragments (set by core/revision.py).
    memo_key: str = field(default_factory=revision.unique_key)
    extracts: list[Extract] = field(default_factory=list)
    provenance: Provenance | None = None
    k: int = equity_stats.MIN_K
    page: Page | None = None
    total: int = 0
    sort: str = "difference"
    rule: str = ""
    rules: dict = field(default_factory=dict)


def disparity_queryset(
    *,
    organization: Organization,
    extract: Extract,
    sort: str = "difference",
    measure: str | None = None,
    dimension: str | None = None,
):
    """Significant disparities (a compared group fares worse than its reference) of each
    measure's latest period, ranked in the database."""
    rows = PublishedResult.objects.filter(
        organization=organization, extract=extract, worse=True, latest_period=True
    )
    if measure is not None:
        rows = rows.filter(measure__code=measure)
    if dimension is not None:
        rows = rows.filter(dimension=dimension)
    key = "-excess_events" if sort == "excess" else "-difference"
    return rows.order_by(key, "measure__code", "dimension", "group").values(
        *ROW_FIELDS, "measure__name"
    )


def _recomputed_disparities(*, organization: Organization, extract: Extract, rule: str, sort: str):
    """Every measure's latest period with another reference rule (the user's choice), from
    published rows: one query, then the engine."""
    rows = list(
        PublishedResult.objects.filter(
            organization=organization, extract=extract, latest_period=True
        )
        .exclude(dimension="all")
        .order_by("position")
        .values(*ROW_FIELDS, "measure__name")
    )
    if not rows:
        return []
    frame = pd.DataFrame(rows)
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    counts = frame[["measure_id", "period_start", "granularity", "period_label", "dimension"]]
    counts = counts.assign(
        group=frame["group"],
        numerator=np.where(hidden, 0, frame["numerator"].fillna(0)).astype(np.int64),
        denominator=np.where(hidden, 0, frame["denominator"].fillna(0)).astype(np.int64),
    )
    measures = {
        m.pk: m
        for m in Measure.objects.filter(
            organization=organization, pk__in=frame["measure_id"].unique().tolist()
        )
    }
    out, _ = publishing.compute(
        counts, measures=measures, k=export_k(organization), suppressed=hidden, rule=rule
    )
    significant = out["significant"].fillna(False).to_numpy(dtype=bool)
    worse = out["difference"].to_numpy(dtype=float, na_value=np.nan) > 0
    out = out[significant & worse & ~out["suppressed"].to_numpy(dtype=bool)]
    found = []
    for r in out.to_dict("records"):
        m = measures[r["measure_id"]]
        found.append(
            {
                "measure_id": m.pk,
                "measure": m.code,
                "measure__name": m.name,
                "period_start": r["period_start"],
                "period_label": r["period_label"],
                "dimension": r["dimension"],
                "dimension_label": dimension_label(r["dimension"]),
                "group": r["group"],
                "rate": _plain(r["rate"]),
                "reference_group": _text(r["reference_group"]),
                "reference_rate": _plain(r["reference_rate"]),
                "difference": _plain(r["difference"]),
                "difference_lower": _plain(r["difference_lower"]),
                "difference_upper": _plain(r["difference_upper"]),
                "ratio": _plain(r["ratio"]),
                "ratio_lower": _plain(r["ratio_lower"]),
                "ratio_upper": _plain(r["ratio_upper"]),
                "excess_events": _plain(r["excess_adverse_events"]),
                "significant": True,
            }
        )
    key = "excess_events" if sort == "excess" else "difference"
    found.sort(key=lambda d: (-d[key], d["measure"], d["dimension"], d["group"]))
    return found


def disparities_page(*, organization: Organization, params) -> DisparitiesPage:
    return _disparities(organization, params)


@revision.memoized_by_params("results.disparities")
def _disparities(organization: Organization, params) -> DisparitiesPage:
    extract = requested_extract(organization=organization, raw=params.get("extract"))
    result = DisparitiesPage(extract=extract)
    if extract is None:
        return result
    rule = _rule(params)
    if rule == equity_stats.REF_NAMED:  # a named group differs by dimension: use each measure's
        rule = None
    sort = "excess" if params.get("sort") == "excess" else "difference"
    if rule is None:
        items = disparity_queryset(organization=organization, extract=extract, sort=sort)
    else:
        items = _recomputed_disparities(
            organization=organization, extract=extract, rule=rule, sort=sort
        )
    page = Paginator(items, PAGE_SIZE).get_page(params.get("page"))
    entries = []
    for values in page.object_list:
        d = dict(values)
        if "measure__code" in d:
            d = _row(d)
        d["identity"] = f"{d['measure']}|{d['dimension']}|{d['group']}"
        d["url"] = explorer_url(
            organization,
            extract=extract.pk,
            measure=d["measure"],
            dimension=d["dimension"],
            period=d["period_start"].isoformat(),
            rule=rule,
            highlight=d["group"],
        )
        entries.append(d)
    page.object_list = entries
    result.page = page
    result.total = page.paginator.count
    result.sort = sort
    result.rule = rule or ""
    result.rules = {
        "": "Each measure's own setting",
        **{k: v for k, v in RULE_LABELS.items() if k != equity_stats.REF_NAMED},
    }
    result.provenance = provenance_of(extract)
    result.extracts = extract_choices(organization=organization)
    result.k = export_k(organization)
    return result


# --------------------------------------------------------------------------- exports


def results_rows(*, organization: Organization, extract: Extract) -> list[dict]:
    """Every published row of the extract in display order (one query)."""
    return [
        _row(values)
        for values in PublishedResult.objects.filter(organization=organization, extract=extract)
        .order_by("position")
        .values(*ROW_FIELDS)
    ]


def summary_rows(*, organization: Organization, extract: Extract) -> list[dict]:
    return [
        _row(values)
        for values in PublishedSummary.objects.filter(organization=organization, extract=extract)
        .exclude(dimension=OVERALL_DIMENSION)  # a table of one: nothing to summarize
        .order_by("measure__code", "period_start", "granularity", "dimension")
        .values(*SUMMARY_FIELDS)
    ]
