"""The data quality export (completeness by site and period), offered through the results'
export mechanism: /data/results/export/quality.<csv|xlsx> and `export_results --what
quality` (registered by `QualityConfig.ready`). The CSV keeps the column codes; the XLSX,
for people, shows these headings and each dimension by its label."""

from data_hub.results.exports import Export
from equity_portal.core import exports

from . import selectors

QUALITY_EXPORT = Export(
    columns=selectors.QUALITY_EXPORT_COLUMNS,
    rows=selectors.completeness_export_rows,
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
