"""Plotly figures of step 1 as plain dicts (`equity_portal.core.charts`, drawn by core/charts.js;
each page also shows the data as a table)."""

from collections.abc import Sequence

from equity_portal.core import charts as core_charts
from equity_portal.core import palette

from .models import Assessment, Domain


def assessment_progress_rows(assessments: Sequence[Assessment]) -> list[dict]:
    """Oldest first: date, overall score and per-domain scores (None where a version had no
    question in that domain). The same rows feed the chart, its table and its CSV."""
    rows = []
    for assessment in sorted(assessments, key=lambda a: (a.completed_at, a.pk)):
        rows.append(
            {
                "assessment": assessment,
                "date": assessment.completed_at.date(),
                "version": assessment.questionnaire.version,
                "overall": assessment.overall_score,
                "domains": [assessment.domain_scores.get(d) for d in Domain.values],
            }
        )
    return rows


def assessment_progress_figure(rows: list[dict]) -> dict:
    """Readiness over time: one line per domain and a thicker one for the overall score
    (colours from the palette's series, in domain order)."""
    dates = [row["date"].isoformat() for row in rows]
    traces = [
        core_charts.line(
            dates, [row["domains"][index] for row in rows], name=label, index=index,
            connectgaps=False,
        )
        for index, (_value, label) in enumerate(Domain.choices)
    ]  # fmt: skip
    traces.append(
        core_charts.line(
            dates, [row["overall"] for row in rows], name="Overall",
            colour_=palette.series_colour(len(Domain.choices)), width=4,
        )
    )  # fmt: skip
    return core_charts.figure(
        traces,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        yaxis={"title": {"text": "Readiness score (%)"}, "range": [0, 100]},
        xaxis={"title": {"text": "Completed on"}, "type": "date"},
    )
