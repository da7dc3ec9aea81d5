"""Publishing an extract's results (issue 11): computed once, stored, read everywhere.

`publish_extract` turns an extract's stratified counts into `PublishedResult` rows (one per
measure x period x dimension x group) and `PublishedSummary` rows (one per table), with the
suppression decisions taken for the whole extract together (`_decide_suppression`, the one
place to swap in another disclosure method) and every number from `equity_stats`:

* single-dimension tables: `equity_stats.stratify` with the measure's own reference rule;
* intersection tables: `equity_stats.stratify_intersections` (Unknown/Declined on any axis
  never compared; compared within the same level of the other dimension);
* summaries: `equity_stats.summary_measures` with the 85% coverage rule.

It runs inside the transaction that stores the counts (processing, re-stratification), so
a page never sees counts without their published results; again once the extract's
quality counts are stored (the disclosure decisions then cover them too); and from a job
when a setting that changes results changes (`republish_organization`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone
from django_scopes import scope

import equity_stats
from data_hub import disclosure
from data_hub.models import (
    COUNT_FIELDS,
    INTERSECTION_SEPARATOR,
    Extract,
    ExtractProvenance,
    Measure,
    Publication,
    PublishedResult,
    PublishedSummary,
    StratifiedCount,
    dimension_label,
)
from data_hub.provenance import effective_k
from equity_portal.core.models import Organization

logger = logging.getLogger(__name__)

TABLE_KEYS = ("measure_id", "period_start", "granularity", "dimension")
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
RULE_PHRASES = {
    equity_stats.REF_LARGEST: "the largest group",
    equity_stats.REF_BEST: "the group with the best rate",
    equity_stats.REF_NAMED: "the named group",
}
NUMBER_FIELDS = (
    "rate",
    "rate_lower",
    "rate_upper",
    "adverse_rate",
    "difference",
    "difference_lower",
    "difference_upper",
    "ratio",
    "ratio_lower",
    "ratio_upper",
)
BATCH = 2000


def dimension_sort_key(name: str):
    parts = name.split(INTERSECTION_SEPARATOR)
    first = DIMENSION_ORDER.index(parts[0]) if parts[0] in DIMENSION_ORDER else 99
    return (len(parts), first, name)


def own_rule(measure: Measure) -> tuple[str, str | None]:
    """The measure's reference setting (DESIGN §5.4); a named setting without a usable
    group falls back to the largest group."""
    rule, named = measure.reference_rule, measure.reference_group or None
    if rule == equity_stats.REF_NAMED and (not named or named in equity_stats.NOT_COMPARED):
        return equity_stats.REF_LARGEST, None
    return rule, named


def is_intersection(dimension: str) -> bool:
    return INTERSECTION_SEPARATOR in dimension


# --------------------------------------------------------------------------- suppression


def _decide_suppression(
    counts: pd.DataFrame, *, k: int, organization: Organization, extract: Extract
) -> np.ndarray:
    """Which cells of an extract are suppressed: the one place the publishing pipeline
    asks. The decisions are `data_hub.disclosure`'s, taken for everything the extract
    publishes together (every table, margin, shared cell and quality count; audited)."""
    if counts.empty:
        return np.zeros(0, dtype=bool)
    decisions = disclosure.decisions_for(organization=organization, extract=extract, k=k)
    return decisions.result_mask(counts, k=k)


# --------------------------------------------------------------------------- statistics


def _reference_note(
    *, rule: str, reference: str | None, dimension: str, named: str | None, first_reference
) -> str:
    if is_intersection(dimension):
        first, *others = dimension.split(INTERSECTION_SEPARATOR)
        other = INTERSECTION_SEPARATOR.join(dimension_label(o) for o in others)
        tail = (
            f"within the same level of {other}; cells with Unknown or Declined on any axis "
            "are shown, never compared."
        )
        if rule == equity_stats.REF_POOLED:
            return f"Each cell is compared with the pooled rate of its {other} level, {tail}"
        if not first_reference:
            return (
                f"No reference: no {dimension_label(first)} group can be the reference "
                f"({RULE_PHRASES.get(rule, 'the reference')})."
            )
        return (
            f"Each cell is compared with {first_reference} "
            f"({RULE_PHRASES.get(rule, 'the reference')} of {dimension_label(first)}) "
            f"{tail}"
        )
    if reference is None:
        if rule == equity_stats.REF_NAMED and named:
            return f"No reference: {named} is absent or suppressed in this table."
        return "No reference: fewer than two compared groups can be shown."
    if reference == equity_stats.POOLED:
        return "Reference: the pooled rate of the compared groups that can be shown."
    return f"Reference: {reference} ({RULE_PHRASES.get(rule, 'the reference')})."


def compute(
    counts: pd.DataFrame,
    *,
    measures: dict[int, Measure],
    k: int,
    suppressed: np.ndarray,
    rule: str | None = None,
    reference_group: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Results and summaries of `counts` (columns COUNT_FIELDS) with the given
    suppression decisions. `rule` None: each measure's own reference setting; a rule given
    (the explorer's choice) applies to every measure. Results come back in display order
    (measure code, period, dimension, group) with `measure_code`, `direction`, `position`
    and `reference_rate` (the reference's rate, not adverse rate) added."""
    if counts.empty:
        return pd.DataFrame(), pd.DataFrame()
    counts = counts.reset_index(drop=True).copy()
    counts["_suppressed"] = np.asarray(suppressed, dtype=bool)
    counts["_population"] = counts["denominator"].astype(float)
    counts["measure_code"] = counts["measure_id"].map(lambda m: measures[m].code)
    counts["direction"] = counts["measure_id"].map(lambda m: measures[m].direction)
    if rule is None:
        settings = {m: own_rule(measures[m]) for m in counts["measure_id"].unique()}
    else:
        if rule == equity_stats.REF_NAMED and (
            not reference_group or reference_group in equity_stats.NOT_COMPARED
        ):
            rule, reference_group = equity_stats.REF_LARGEST, None
        settings = {m: (rule, reference_group) for m in counts["measure_id"].unique()}
    counts["_rule"] = counts["measure_id"].map(lambda m: settings[m][0])
    counts["_named"] = counts["measure_id"].map(lambda m: settings[m][1] or "")
    counts["_inter"] = counts["dimension"].str.contains(INTERSECTION_SEPARATOR, regex=False)
    results, summaries = [], []
    for (direction, part_rule, named, inter), part in counts.groupby(
        ["direction", "_rule", "_named", "_inter"], sort=True
    ):
        part = part.reset_index(drop=True)
        mask = part["_suppressed"].to_numpy()
        population = part["_population"].to_numpy()
        data = part.drop(columns=["_suppressed", "_population", "_rule", "_named", "_inter"])
        if inter:
            first_named = named or None
            if part_rule == equity_stats.REF_NAMED and named:
                first_named = named.split(INTERSECTION_SEPARATOR)[0]
            out = equity_stats.stratify_intersections(
                data,
                direction=direction,
                k=k,
                reference_rule=part_rule,
                reference_group=first_named if part_rule == equity_stats.REF_NAMED else None,
                table_keys=list(TABLE_KEYS),
                suppressed=mask,
            )
        else:
            out = equity_stats.stratify(
                data,
                direction=direction,
                k=k,
                reference_rule=part_rule,
                reference_group=(named or None) if part_rule == equity_stats.REF_NAMED else None,
                table_keys=list(TABLE_KEYS),
                suppressed=mask,
            )
        out["_rule"] = part_rule
        out["_named"] = named
        summary = equity_stats.summary_measures(
            out, table_keys=list(TABLE_KEYS), population=population
        )
        summary["_rule"] = part_rule
        summary["_named"] = named
        results.append(out)
        summaries.append(summary)
    frame = pd.concat(results, ignore_index=True)
    higher = frame["direction"].eq(Measure.Direction.HIGHER).to_numpy()
    ref_adverse = frame["reference_adverse_rate"].to_numpy(dtype=float, na_value=np.nan)
    pooled_or_named = frame["reference_group"].notna().to_numpy()
    frame["reference_rate"] = np.where(
        pooled_or_named, np.where(higher, 1.0 - ref_adverse, ref_adverse), np.nan
    )
    frame["_dim"] = frame["dimension"].map(dimension_sort_key)
    frame = frame.sort_values(["measure_code", "period_start", "granularity", "_dim", "group"])
    frame = frame.drop(columns="_dim").reset_index(drop=True)
    frame["position"] = np.arange(len(frame))  # display and export order
    summary = pd.concat(summaries, ignore_index=True)
    labels = frame.drop_duplicates(list(TABLE_KEYS))[[*TABLE_KEYS, "measure_code", "period_label"]]
    summary = summary.merge(labels, on=list(TABLE_KEYS), how="left")
    # The table's reference, for the note: the reference row's group, else the first
    # row's name (pooled), else none; intersections name the first dimension's group.
    references = {}
    firsts = {}
    keys = zip(*(frame[c].tolist() for c in TABLE_KEYS), strict=True)  # see result_mask
    for key, ref_group, is_ref in zip(
        keys,
        frame["reference_group"].tolist(),
        frame["is_reference"].tolist(),
        strict=True,
    ):
        if ref_group is not None and ref_group is not pd.NA:
            references.setdefault(key, ref_group)
            if ref_group != equity_stats.POOLED:
                firsts.setdefault(key, ref_group.split(INTERSECTION_SEPARATOR)[0])
        if is_ref:
            references[key] = ref_group
    notes, reference_names = [], []
    for row in summary[[*TABLE_KEYS, "_rule", "_named"]].to_dict("records"):
        key = tuple(row[c] for c in TABLE_KEYS)
        reference = references.get(key)
        first = firsts.get(key)
        if is_intersection(row["dimension"]):
            reference_names.append(first or (reference if reference else None))
        else:
            reference_names.append(reference)
        notes.append(
            _reference_note(
                rule=row["_rule"],
                reference=reference,
                dimension=row["dimension"],
                named=row["_named"] or None,
                first_reference=first,
            )
        )
    summary["reference_group"] = reference_names
    summary["reference_note"] = notes
    summary = summary.rename(columns={"_rule": "reference_rule"}).drop(columns="_named")
    frame = frame.drop(columns=["_rule", "_named"])
    return frame, summary


def counts_frame(*, organization: Organization, extract: Extract) -> pd.DataFrame:
    rows = list(
        StratifiedCount.objects.filter(organization=organization, extract=extract)
        .order_by()
        .values_list(*COUNT_FIELDS)
    )
    return pd.DataFrame.from_records(rows, columns=list(COUNT_FIELDS))


# --------------------------------------------------------------------------- storing


def _column(frame: pd.DataFrame, name: str, kind: str, hidden: np.ndarray) -> list:
    """One column as plain Python values for the database: None for missing (NA, NaN,
    inf) and for every suppressed row."""
    series = frame[name]
    if kind == "float":
        values = series.to_numpy(dtype=float, na_value=np.nan)
        missing = ~np.isfinite(values) | hidden
        return [None if m else v for v, m in zip(values.tolist(), missing.tolist(), strict=True)]
    if kind == "int":
        missing = series.isna().to_numpy() | hidden
        values = series.fillna(0).to_numpy(dtype=np.int64).tolist()
        return [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
    if kind == "bool":
        missing = series.isna().to_numpy() | hidden
        values = series.fillna(False).to_numpy(dtype=bool).tolist()
        return [None if m else v for v, m in zip(values, missing.tolist(), strict=True)]
    values = series.astype(object).where(series.notna(), None).tolist()
    return ["" if v is None else str(v) for v in values]


RESULT_COLUMNS = (
    "organization_id",
    "extract_id",
    "measure_id",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "group",
    "position",
    "latest_period",
    "compared",
    "suppressed",
    "is_reference",
    "reference_group",
    "numerator",
    "denominator",
    *NUMBER_FIELDS,
    "reference_rate",
    "significant",
    "excess_events",
    "worse",
)


def _result_rows(frame: pd.DataFrame, organization_id: int, extract_id: int, latest: set):
    """Tuples in RESULT_COLUMNS order; a suppressed row carries no number."""
    hidden = frame["suppressed"].to_numpy(dtype=bool)
    shown = np.zeros(len(frame), dtype=bool)
    columns = {
        "numerator": _column(frame, "numerator", "int", hidden),
        "denominator": _column(frame, "denominator", "int", hidden),
        "reference_rate": _column(frame, "reference_rate", "float", shown),
        "significant": _column(frame, "significant", "bool", hidden),
        "excess_events": _column(frame, "excess_adverse_events", "float", hidden),
        **{f: _column(frame, f, "float", hidden) for f in NUMBER_FIELDS},
    }
    compared = frame["compared"].to_numpy(dtype=bool)
    is_reference = frame["is_reference"].to_numpy(dtype=bool) & ~hidden
    significant = frame["significant"].fillna(False).to_numpy(dtype=bool)
    difference = frame["difference"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        worse = ~hidden & compared & significant & (difference > 0)
    measure_ids = frame["measure_id"].to_numpy(dtype=np.int64).tolist()
    starts = frame["period_start"].tolist()
    is_latest = [(m, p) in latest for m, p in zip(measure_ids, starts, strict=True)]
    columns.update(
        organization_id=[organization_id] * len(frame),
        extract_id=[extract_id] * len(frame),
        measure_id=measure_ids,
        period_start=starts,
        granularity=frame["granularity"].tolist(),
        period_label=frame["period_label"].tolist(),
        dimension=frame["dimension"].tolist(),
        group=frame["group"].tolist(),
        position=frame["position"].to_numpy(dtype=np.int64).tolist(),
        latest_period=is_latest,
        compared=compared.tolist(),
        suppressed=hidden.tolist(),
        is_reference=is_reference.tolist(),
        reference_group=_column(frame, "reference_group", "text", hidden),
        worse=worse.tolist(),
    )
    return list(zip(*(columns[c] for c in RESULT_COLUMNS), strict=True))


SUMMARY_FIELDS = (
    "organization_id",
    "extract_id",
    "measure_id",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "latest_period",
    "reference_rule",
    "reference_group",
    "reference_note",
    "groups_compared",
    *equity_stats.SUMMARY_MEASURES,
    "blank_reason",
)


def _summary_rows(summary: pd.DataFrame, organization_id: int, extract_id: int, latest: set):
    none = np.zeros(len(summary), dtype=bool)
    measure_ids = summary["measure_id"].to_numpy(dtype=np.int64).tolist()
    starts = summary["period_start"].tolist()
    columns = {
        "organization_id": [organization_id] * len(summary),
        "extract_id": [extract_id] * len(summary),
        "measure_id": measure_ids,
        "period_start": starts,
        "granularity": summary["granularity"].tolist(),
        "period_label": summary["period_label"].tolist(),
        "dimension": summary["dimension"].tolist(),
        "latest_period": [(m, p) in latest for m, p in zip(measure_ids, starts, strict=True)],
        "reference_rule": summary["reference_rule"].tolist(),
        "reference_group": _column(summary, "reference_group", "text", none),
        "reference_note": [n[:400] for n in summary["reference_note"].tolist()],
        "groups_compared": summary["groups_compared"].to_numpy(dtype=np.int64).tolist(),
        "blank_reason": _column(summary, "blank_reason", "text", none),
        **{m: _column(summary, m, "float", none) for m in equity_stats.SUMMARY_MEASURES},
    }
    return list(zip(*(columns[c] for c in SUMMARY_FIELDS), strict=True))


def _insert(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Multi-row INSERTs (executemany on SQLite): bulk_create's per-object SQL compiling
    costs seconds at 10,000 rows (the same reason as the counts' store)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(c.removesuffix("_id")).column) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {one}", rows)
            return
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))}",
                [value for row in batch for value in row],
            )


def _latest_periods(frame: pd.DataFrame) -> set[tuple]:
    latest = frame.groupby("measure_id")["period_start"].max()
    return {(m, p) for m, p in latest.items()}


def publish_extract(*, extract: Extract, counts: pd.DataFrame | None = None) -> Publication:
    """Compute and store the extract's published results, replacing any earlier ones
    (idempotent; inside one transaction, so readers see the old or the new set). `counts`:
    the counts frame (COUNT_FIELDS) the job has just stored, else it is read."""
    organization = extract.organization
    k = effective_k(organization)
    measures = {m.pk: m for m in Measure.objects.filter(organization=organization)}
    if counts is None:
        counts = counts_frame(organization=organization, extract=extract)
    # The overall row ("All patients") is a table of one: published, never compared.
    suppressed = _decide_suppression(counts, k=k, organization=organization, extract=extract)
    frame, summary = compute(counts, measures=measures, k=k, suppressed=suppressed)
    latest = _latest_periods(counts) if not counts.empty else set()
    value_map_version = (
        ExtractProvenance.objects.filter(extract=extract)
        .values_list("value_map_version", flat=True)
        .first()
    )
    with transaction.atomic():
        PublishedResult.objects.filter(extract=extract).delete()
        PublishedSummary.objects.filter(extract=extract).delete()
        if not frame.empty:
            _insert(
                PublishedResult,
                RESULT_COLUMNS,
                _result_rows(frame, organization.pk, extract.pk, latest),
            )
            _insert(
                PublishedSummary,
                SUMMARY_FIELDS,
                _summary_rows(summary, organization.pk, extract.pk, latest),
            )
        used = set(counts["measure_id"].unique()) if not counts.empty else set()
        publication, _ = Publication.objects.update_or_create(
            extract=extract,
            defaults={
                "organization": organization,
                "method_version": equity_stats.METHOD_VERSION,
                "value_map_version": value_map_version,
                "k": k,
                "measure_settings": {
                    measures[m].code: [measures[m].direction, *own_rule(measures[m])]
                    for m in sorted(used)
                },
                "results_count": len(frame),
                "published_at": timezone.now(),
            },
        )
    return publication


def republish_organization(*, organization: Organization) -> int:
    """Publish every processed extract of the organization again (after a change of a
    setting that changes results: a measure's direction or reference, the organization's
    k). Returns the number of extracts published."""
    extracts = list(
        Extract.objects.filter(organization=organization, status=Extract.Status.PROCESSED)
        .select_related("organization")
        .order_by("pk")
    )
    for extract in extracts:
        publish_extract(extract=extract)
    return len(extracts)


def publish_in_scope(*, organization_id: int) -> int:
    """Entry point of the Celery job: republish one organization inside its scope."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    with scope(organization=organization):
        return republish_organization(organization=organization)


def results_republish_soon(*, organization: Organization) -> None:
    """Queue a republish of the organization's extracts after the current transaction
    commits (once per transaction): a setting that changes results has changed."""
    connection_ = transaction.get_connection()
    for _sids, func, *_ in connection_.run_on_commit:
        if getattr(func, "republish_organization_id", None) == organization.pk:
            return

    def send():
        from .tasks import publish_results

        publish_results.delay(organization.pk)

    send.republish_organization_id = organization.pk
    transaction.on_commit(send)


def organization_saved(sender, instance: Organization, created: bool, **kwargs) -> None:
    """post_save of an organization: its k decides suppression, so a published extract
    with another k is published again."""
    if created:
        return
    with scope(organization=instance):
        stale = (
            Publication.objects.filter(organization=instance)
            .exclude(k=effective_k(instance))
            .exists()
        )
    if stale:
        results_republish_soon(organization=instance)
