"""The statistics engine imports no Django and no project code."""

import pathlib
import subprocess
import sys

import equity_stats

PROJECT = (
    "django",
    "equity_portal",
    "data_hub",
    "vision",
    "improvement",
    "commitments",
    "learning",
)
API = (
    "wilson_interval",
    "newcombe_difference",
    "katz_ratio",
    "suppression_mask",
    "stratify",
    "summary_measures",
    "run_chart",
    "p_chart",
    "RunChart",
    "PChart",
    "data_quality",
)


def test_importing_equity_stats_loads_no_django_or_project_code():
    code = (
        "import sys, equity_stats\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {PROJECT!r}]\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    root = pathlib.Path(equity_stats.__file__).parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_source_does_not_mention_django():
    for path in pathlib.Path(equity_stats.__file__).parent.glob("*.py"):
        assert "django" not in path.read_text().lower(), path


def test_public_api():
    for name in API:
        assert callable(getattr(equity_stats, name)), name
    assert equity_stats.Z == 1.959963984540054
    assert frozenset({"Unknown", "Declined"}) == equity_stats.NOT_COMPARED
    assert equity_stats.DEFAULT_K == 11 and equity_stats.METHOD_VERSION == "stats-2"
    assert (equity_stats.HIGHER_IS_BETTER, equity_stats.LOWER_IS_BETTER) == (
        "higher_is_better",
        "lower_is_better",
    )
    assert (
        equity_stats.REF_LARGEST,
        equity_stats.REF_BEST,
        equity_stats.REF_POOLED,
        equity_stats.REF_NAMED,
    ) == ("largest", "best", "pooled", "named")
