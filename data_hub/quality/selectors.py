"""Data quality reads: completeness (percent known / Unknown / Declined) by site and period,
category distribution, from `QualityCount` only (a bounded number of queries). Figures from
`equity_stats.data_quality` / `category_distribution`; suppression decided for the whole
extract by `data_hub.disclosure` (patients are counts that leave the server like any other,
and they share patients with the results tables).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import equity_stats
from data_hub import disclosure
from data_hub.models import Extract
from equity_portal.core.models import Organization
from equity_stats import DECLINED, UNKNOWN

from .models import ALL_SITES, QUALITY_DIMENSIONS, QualityCount, QualitySnapshot

QUALITY_COLUMNS = (
    "period_start",
    "period_label",
    "site",
    "dimension",
    "patients",
    "known",
    "unknown",
    "declined",
    "percent_known",
    "percent_unknown",
    "percent_declined",
    "suppressed",
)
CATEGORIES = ("known", "unknown", "declined")
# Exports carry proportions (0..1) like every other export; pages show percents.
QUALITY_EXPORT_COLUMNS = tuple(
    c.replace("percent_", "proportion_") if c.startswith("percent_") else c for c in QUALITY_COLUMNS
)
TREND_EXPORT_COLUMNS = ("period_label", "dimension", "proportion_known", "suppressed")


def _proportion(percent: float | None) -> float | None:
    return None if percent is None else percent / 100.0


def snapshot(*, organization: Organization, extract: Extract) -> QualitySnapshot | None:
    return QualitySnapshot.objects.filter(organization=organization, extract=extract).first()


def count_frame(*, organization: Organization, extract: Extract) -> pd.DataFrame:
    fields = ("period_start", "granularity", "period_label", "site", "dimension", "group")
    rows = (
        QualityCount.objects.filter(organization=organization, extract=extract)
        .order_by()
        .values_list(*fields, "patients")
    )
    return pd.DataFrame.from_records(list(rows), columns=[*fields, "patients"])


def completeness(counts: pd.DataFrame, *, decisions) -> pd.DataFrame:
    """One row per dimension x site x period: patients, known/unknown/declined counts and
    percents, and which of them are suppressed. The decisions are the extract's
    (`data_hub.disclosure.decisions_for`): the completeness counts are protected together
    with the results tables they share patients with, the sites with their total, and the
    category distribution."""
    if counts.empty:
        return pd.DataFrame(columns=[*QUALITY_COLUMNS, "granularity", "_mask"])
    by = ["dimension", "site", "period_start", "granularity"]
    dq = equity_stats.data_quality(counts, count_col="patients", by=by)
    labels = counts.drop_duplicates(["period_start"])[["period_start", "period_label"]]
    dq = dq.merge(labels, on="period_start", how="left")
    keys = list(
        zip(dq["period_start"], dq["granularity"], dq["site"], dq["dimension"], strict=True)
    )
    patients_hidden = np.array([decisions.quality_hidden(*key, "patients") for key in keys])
    dq["suppressed"] = patients_hidden
    for c, category in zip(CATEGORIES, ("known", UNKNOWN, DECLINED), strict=True):
        hidden = np.array([decisions.quality_hidden(*key, category) for key in keys])
        dq[f"{c}_suppressed"] = hidden | patients_hidden
    dq["patients"] = dq["total"]
    dq["_order"] = dq["site"].map(lambda s: (s != ALL_SITES, s))
    dq = dq.sort_values(["dimension", "period_start", "_order"]).drop(columns="_order")
    return dq.reset_index(drop=True)


def completeness_rows(frame: pd.DataFrame) -> list[dict]:
    """Rows with QUALITY_COLUMNS keys; a suppressed number is None."""
    rows = []
    for r in frame.to_dict("records"):
        row = {
            "period_start": r["period_start"],
            "period_label": r["period_label"],
            "site": r["site"],
            "dimension": r["dimension"],
            "patients": None if r["suppressed"] else int(r["patients"]),
            "suppressed": bool(r["suppressed"]),
        }
        for c in CATEGORIES:
            hidden = r[f"{c}_suppressed"]
            row[c] = None if hidden else int(r[c])
            percent = r[f"percent_{c}"]
            row[f"percent_{c}"] = None if hidden or np.isnan(percent) else float(percent)
        rows.append({c: row[c] for c in QUALITY_COLUMNS})
    return rows


def completeness_export_rows(*, organization: Organization, extract: Extract, k: int) -> list[dict]:
    """Rows with QUALITY_EXPORT_COLUMNS keys: the percents as proportions."""
    decisions = disclosure.decisions_for(organization=organization, extract=extract, k=k)
    rows = completeness_rows(
        completeness(count_frame(organization=organization, extract=extract), decisions=decisions)
    )
    return [
        {
            c: _proportion(r[c.replace("proportion_", "percent_")])
            if c.startswith("proportion_")
            else r[c]
            for c in QUALITY_EXPORT_COLUMNS
        }
        for r in rows
    ]


def trend_export_rows(frame: pd.DataFrame) -> list[dict]:
    """The trend chart's data for its CSV: TREND_EXPORT_COLUMNS, proportions."""
    return [
        {
            "period_label": r["period_label"],
            "dimension": r["dimension"],
            "proportion_known": _proportion(r["percent_known"]),
            "suppressed": r["suppressed"],
        }
        for r in trend_rows(frame)
    ]


def distribution(
    counts: pd.DataFrame, *, decisions, community: dict[str, dict[str, tuple]]
) -> list[dict]:
    """Category distribution of the latest period's patients (all sites), per dimension,
    beside the community's population share where community data gives it."""
    if counts.empty:
        return []
    latest = counts["period_start"].max()
    part = counts[(counts["period_start"] == latest) & (counts["site"] == ALL_SITES)]
    granularity = part["granularity"].iloc[0] if len(part) else ""
    dist = equity_stats.category_distribution(part, count_col="patients", by=["dimension"])
    dist["count"] = dist["count"].astype("int64")
    dist["suppressed"] = [
        decisions.group_hidden(latest, granularity, ALL_SITES, d, g)
        for d, g in zip(dist["dimension"], dist["group"], strict=True)
    ]
    label = part["period_label"].iloc[0] if len(part) else ""
    rows = []
    for r in dist.to_dict("records"):
        share = community.get(r["dimension"], {}).get(r["group"])
        rows.append(
            {
                "dimension": r["dimension"],
                "group": r["group"],
                "period_label": label,
                "patients": None if r["suppressed"] else int(r["count"]),
                "percent": None if r["suppressed"] else float(r["percent"]),
                "suppressed": bool(r["suppressed"]),
                "community_percent": share[0] if share else None,
                "community_source": f"{share[2]} {share[3]}, {share[1]}" if share else "",
            }
        )
    return rows


def trend_rows(frame: pd.DataFrame) -> list[dict]:
    """Percent known per period and dimension, all sites (the trend chart's data)."""
    rows = completeness_rows(frame[frame["site"] == ALL_SITES]) if len(frame) else []
    return [
        {
            "period_label": r["period_label"],
            "dimension": r["dimension"],
            "percent_known": r["percent_known"],
            "suppressed": r["percent_known"] is None,
        }
        for r in rows
        if r["dimension"] in QUALITY_DIMENSIONS
    ]
