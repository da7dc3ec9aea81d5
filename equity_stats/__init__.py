"""equity_stats: the one place that computes rates, intervals, disparities, suppression,
run and control charts, and data-quality figures (DESIGN §5, issue 4).

Pure numpy/pandas: no web framework, no project code. Every formula below is the product's
contract; change one and bump METHOD_VERSION (stored with results as provenance).

z = 1.959963984540054 (95%). Group j: denominator n_j, numerator x_j, rate p_j = x_j / n_j.

1. Rate interval: Wilson score interval, clipped to [0, 1]:
       centre = (x + z^2/2) / (n + z^2),  half = z / (n + z^2) * sqrt(x (n - x) / n + z^2/4).
2. Adverse rate: a_j = 1 - p_j for higher-is-better measures (adverse count c_j = n_j - x_j),
   a_j = p_j (c_j = x_j) for lower-is-better. Every disparity statistic uses adverse rates,
   so a positive difference or a ratio above 1 always means the group fares worse.
3. Groups compared: every group except Unknown and Declined (shown, never compared).
3a. Intersections (`stratify_intersections`): a cell with Unknown or Declined on any axis
   is shown, never compared; a cell is compared with the reference group of the first
   dimension within the same level of the other dimensions (Black x 35-49 against
   White x 35-49). The first dimension's reference follows the rule on its totals over
   the table (largest, best, named) or is the pooled rate within each level.
4. Reference group per table: largest denominator among compared groups (default), best
   (lowest adverse) rate, the pooled rate of all compared groups, or a named group.
   Suppressed cells are never the reference nor part of the pooled rate. A table with
   fewer than two compared groups that can be shown has no reference and no gap.
5. Difference d_j = a_j - a_ref with Newcombe's hybrid score interval (1998, method 10)
   from the Wilson intervals (l, u) of the adverse rates:
       L = d - sqrt((a_j - l_j)^2 + (u_ref - a_ref)^2),
       U = d + sqrt((u_j - a_j)^2 + (a_ref - l_ref)^2).
6. Ratio a_j / a_ref with the Katz log interval
       exp(ln RR -+ z sqrt(1/c_j - 1/n_j + 1/c_ref - 1/n_ref));
   when c_j = 0 < c_ref: ratio 0 with Koopman's (1984) score interval
       {theta : (a_j - theta a_ref)^2 / (q_j (1-q_j)/n_j + theta^2 q_ref (1-q_ref)/n_ref) <= z^2}
   (q the maximum likelihood estimates restricted to q_j = theta q_ref; lower limit 0);
   empty (undefined) when c_ref is 0.
7. Significant when the difference interval excludes 0. Excess adverse events
   (a_j - a_ref) * n_j: how many fewer adverse outcomes group j would have at a_ref.
8. Summary measures per table over the compared groups whose cells are not suppressed,
   with w_j = n_j / sum(n), mu = sum(w_j a_j), r_j = a_j / mu:
   range difference max(a) - min(a); range ratio max(a) / min(a) (empty if min is 0);
   index of disparity 100 * mean over non-reference groups of |a_j - a_ref| / a_ref;
   between-group variance sum(w_j (a_j - mu)^2); Theil index sum(w_j r_j ln r_j) (a zero
   rate contributes 0); mean log deviation sum(w_j (-ln r_j)) (empty if any a_j is 0).
   Empty, with the reason, when fewer than two groups qualify or when they hold less than
   85% of the compared population, suppressed compared cells included (WHO HEAT).
9. Suppression with threshold k (default 11, never below 11). Primary: n < k, or
   1 <= x <= k-1, or 1 <= n - x <= k-1. Complementary: within one table, when exactly one
   cell is primarily suppressed, the unsuppressed cell with the smallest denominator is
   suppressed too (ties: smaller numerator, then group name). Unknown and Declined are
   cells like any other. A suppressed cell keeps its existence and group name; no number
   derived from it leaves the server. For what an extract publishes, the decisions come
   from `disclosure.protect_publication` (every table of a measure x period together, the
   data-quality counts, stability across periods) and are proven by `disclosure.audit`;
   `stratify(..., suppressed=...)` takes them.
10. Run chart: centre = median of the points (or of a baseline span); points on the centre
    are ignored; the longest run signals when > round(log2(n_useful) + 3); crossings signal
    when < the 5th percentile of Binomial(n_useful - 1, 0.5) (Anhoej rules, as qicharts2).
11. p-chart: p-bar = sum(x) / sum(n) over the baseline; limits
    p-bar -+ 3 sqrt(p-bar (1 - p-bar) / n_i) clipped to [0, 1]; a point strictly outside
    signals; the runs analysis uses p-bar as centre.
12. Data quality: percent known / Unknown / Declined per dimension, site and period.
13. Phased run and p-charts per goal (baseline, follow-up, rebaseline phases): spc.phased_chart.
14. Change in the gap (MOVER interval), progress to target, "Making Data Count" icons and
    goals not sustained: progress.py.
"""

import importlib
import sys
import types

from .constants import (
    DECLINED,
    DEFAULT_K,
    DEFAULT_TABLE_KEYS,
    DIRECTIONS,
    HIGHER_IS_BETTER,
    LOWER_IS_BETTER,
    METHOD_VERSION,
    MIN_K,
    NOT_COMPARED,
    POOLED,
    REF_BEST,
    REF_LARGEST,
    REF_NAMED,
    REF_POOLED,
    REFERENCE_RULES,
    SUMMARY_MIN_COVERAGE,
    UNKNOWN,
    Z,
)

# Everything but the constants loads on first use (PEP 562): importing the package for its
# constants (models, the ingest command and worker) must not pull numpy, pandas and scipy
# (issue 17). `equity_stats.name` and `from equity_stats import name` work as before.
_LAZY = {
    "AuditReport": "disclosure",
    "Cell": "disclosure",
    "Decisions": "disclosure",
    "Publication": "disclosure",
    "Relation": "disclosure",
    "audit": "disclosure",
    "build_publication": "disclosure",
    "protect_publication": "disclosure",
    "COVERAGE_REASON": "disparity",
    "NO_GROUPS_REASON": "disparity",
    "SUMMARY_MEASURES": "disparity",
    "compare_pair": "disparity",
    "stratify_intersections": "intersection",
    "koopman_ratio": "rates",
    "STRATIFY_COLUMNS": "disparity",
    "SUMMARY_COLUMNS": "disparity",
    "stratify": "disparity",
    "summary_measures": "disparity",
    "GapChange": "progress",
    "Progress": "progress",
    "assurance": "progress",
    "gap_change": "progress",
    "progress": "progress",
    "variation": "progress",
    "category_distribution": "quality",
    "data_quality": "quality",
    "katz_ratio": "rates",
    "newcombe_difference": "rates",
    "wilson_interval": "rates",
    "PChart": "spc",
    "PhasedChart": "spc",
    "RunChart": "spc",
    "crossings_limit": "spc",
    "longest_run_limit": "spc",
    "p_chart": "spc",
    "phased_chart": "spc",
    "run_chart": "spc",
    "flag_implausible": "suppression",
    "primary_suppression": "suppression",
    "suppression_mask": "suppression",
}
_SUBMODULES = {
    "disclosure",
    "disparity",
    "intersection",
    "progress",
    "quality",
    "rates",
    "spc",
    "suppression",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value) -> None:
        # The import system binds a loaded submodule on its package: a function named like
        # its module (`progress`) keeps the name, as it did when everything loaded eagerly.
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "AuditReport",
    "Cell",
    "Decisions",
    "Publication",
    "Relation",
    "audit",
    "build_publication",
    "protect_publication",
    "COVERAGE_REASON",
    "NO_GROUPS_REASON",
    "SUMMARY_MIN_COVERAGE",
    "SUMMARY_MEASURES",
    "compare_pair",
    "koopman_ratio",
    "stratify_intersections",
    "DECLINED",
    "DEFAULT_K",
    "DEFAULT_TABLE_KEYS",
    "DIRECTIONS",
    "HIGHER_IS_BETTER",
    "LOWER_IS_BETTER",
    "METHOD_VERSION",
    "MIN_K",
    "NOT_COMPARED",
    "POOLED",
    "REF_BEST",
    "REF_LARGEST",
    "REF_NAMED",
    "REF_POOLED",
    "REFERENCE_RULES",
    "STRATIFY_COLUMNS",
    "SUMMARY_COLUMNS",
    "UNKNOWN",
    "Z",
    "GapChange",
    "PChart",
    "PhasedChart",
    "Progress",
    "RunChart",
    "assurance",
    "gap_change",
    "phased_chart",
    "progress",
    "variation",
    "category_distribution",
    "crossings_limit",
    "data_quality",
    "flag_implausible",
    "katz_ratio",
    "longest_run_limit",
    "newcombe_difference",
    "p_chart",
    "primary_suppression",
    "run_chart",
    "stratify",
    "summary_measures",
    "suppression_mask",
    "wilson_interval",
]
