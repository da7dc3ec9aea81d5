"""Benchmark the statistics engine on a 100,000-cell table (DESIGN §6; not a test).

50 measures x 40 periods x 5 dimensions x 10 groups = 100,000 cells, 10,000 tables.
Prints the time of suppression_mask, stratify (which includes suppression) and
summary_measures, best of several runs, and the peak memory traced during one pass.

    .venv/bin/python benches/stats.py
"""

from __future__ import annotations

import pathlib
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from equity_stats import (  # noqa: E402
    DEFAULT_TABLE_KEYS,
    HIGHER_IS_BETTER,
    UNKNOWN,
    stratify,
    summary_measures,
    suppression_mask,
)

MEASURES, PERIODS, DIMENSIONS, GROUPS = 50, 40, 5, 10
REPEATS = 5


def build_table(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    m, p, d, g = np.meshgrid(
        np.arange(MEASURES),
        np.arange(PERIODS),
        np.arange(DIMENSIONS),
        np.arange(GROUPS),
        indexing="ij",
    )
    cells = m.size
    groups = np.array([f"Group {i}" for i in range(GROUPS - 1)] + [UNKNOWN])
    # Mostly large cells, with about one in ten small enough to be suppressed.
    denominator = np.where(
        rng.random(cells) < 0.1, rng.integers(0, 40, cells), rng.integers(40, 5000, cells)
    )
    numerator = rng.binomial(denominator, rng.uniform(0.05, 0.95, cells))
    periods = pd.date_range("2021-01-01", periods=PERIODS, freq="MS").date
    return pd.DataFrame(
        {
            "measure": np.array([f"measure-{i}" for i in range(MEASURES)])[m.ravel()],
            "period_start": periods[p.ravel()],
            "dimension": np.array([f"dimension-{i}" for i in range(DIMENSIONS)])[d.ravel()],
            "group": groups[g.ravel()],
            "numerator": numerator,
            "denominator": denominator,
        }
    )


def best_of(fn, repeats: int = REPEATS) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    df = build_table()
    keys = DEFAULT_TABLE_KEYS
    t_supp, mask = best_of(lambda: suppression_mask(df, k=11, table_keys=keys))
    t_strat, strat = best_of(lambda: stratify(df, direction=HIGHER_IS_BETTER))
    t_summ, summ = best_of(lambda: summary_measures(strat))
    t_all, _ = best_of(lambda: summary_measures(stratify(df, direction=HIGHER_IS_BETTER)))

    tracemalloc.start()
    summary_measures(stratify(df, direction=HIGHER_IS_BETTER))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"cells: {len(df):,}  tables: {len(summ):,}  suppressed: {int(mask.sum()):,}")
    print(f"suppression_mask:            {t_supp * 1000:8.1f} ms")
    print(f"stratify (incl. suppression): {t_strat * 1000:7.1f} ms")
    print(f"summary_measures:            {t_summ * 1000:8.1f} ms")
    print(f"stratify + summary_measures: {t_all * 1000:8.1f} ms  (best of {REPEATS})")
    print(f"peak traced memory, one pass: {peak / 2**20:7.1f} MiB")
    print(f"input frame memory:          {df.memory_usage(deep=True).sum() / 2**20:8.1f} MiB")


if __name__ == "__main__":
    main()
