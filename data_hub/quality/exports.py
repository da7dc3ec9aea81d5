"""The data quality export (completeness by site and period), offered through the results'
export mechanism: /data/results/export/quality.<csv|xlsx> and `export_results --what
quality` (registered by `QualityConfig.ready`). The CSV keeps the column codes; the XLSX,
for people, shows these headings and each dimension by its label."""

from data_hub.results.exports import Export
from equity_portal.core import exports

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
# Exports carry proportions (0..1) like every other export; pages show percents.
QUALITY_EXPORT_COLUMNS = tuple(
    c.replace("percent_", "proportion_") if c.startswith("percent_") else c for c in QUALITY_COLUMNS
)


def _rows(*, organization, extract, k: int) -> list[dict]:
    # The selectors (and pandas with the results' ones) load with the first export.
    from .selectors import completeness_export_rows

    return completeness_export_rows(organization=organization, extract=extract, k=k)


QUALITY_EXPORT = Export(
    columns=QUALITY_EXPORT_COLUMNS,
    rows=_rows,
    headings={
        "site": "Site",
        "patients": "Patients",
        "known": "Patients with a known value",
        "unknown": "Patients with Unknown",
        "declined": "Patients who declined",
        "proportion_known": "Known",
        "proportion_unknown": "Unknown",
        "proportion_declined": "Declined",
        "suppressed": "Suppressed",
    },
    kinds={
        "patients": exports.COUNT,
        "known": exports.COUNT,
        "unknown": exports.COUNT,
        "declined": exports.COUNT,
        "proportion_known": exports.RATE,
        "proportion_unknown": exports.RATE,
        "proportion_declined": exports.RATE,
    },
)
