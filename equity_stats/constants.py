"""Constants shared by every part of the statistics engine (see the package docstring)."""

Z = 1.959963984540054
"""Two-sided 95% standard normal quantile, used by every interval."""

UNKNOWN = "Unknown"
DECLINED = "Declined"
NOT_COMPARED = frozenset({UNKNOWN, DECLINED})
"""Groups that are shown (and suppressed like any cell) but never compared."""

DEFAULT_K = 11
"""Cell-size threshold (CMS cell-size suppression policy)."""
MIN_K = 11
"""No organization setting may go below this threshold."""

METHOD_VERSION = "stats-2"
"""Bumped whenever any formula changes; stored with results as provenance."""

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
DIRECTIONS = (HIGHER_IS_BETTER, LOWER_IS_BETTER)

REF_LARGEST = "largest"
REF_BEST = "best"
REF_POOLED = "pooled"
REF_NAMED = "named"
REFERENCE_RULES = (REF_LARGEST, REF_BEST, REF_POOLED, REF_NAMED)
POOLED = "Pooled"
"""Value of ``reference_group`` when the reference is the pooled rate."""

SUMMARY_MIN_COVERAGE = 0.85
"""A summary measure is published only when the compared groups that can be shown hold at
least this share of the compared population (WHO HEAT)."""

DEFAULT_TABLE_KEYS = ("measure", "period_start", "dimension")
"""A table is one measure x period x dimension: the rows sharing these keys."""
