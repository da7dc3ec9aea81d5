"""Plotly figures of step 1, as JSON for plotly.js (each page also shows the data as a table)."""

from collections.abc import Sequence

import plotly.graph_objects as go

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


def assessment_progress_figure(rows: list[dict]) -> str:
    """Readiness over time: one line per domain and a thicker one for the overall score."""
    dates = [row["date"].isoformat() for row in rows]
    fig = go.Figure()
    for index, (_value, label) in enumerate(Domain.choices):
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=[row["domains"][index] for row in rows],
                name=label,
                mode="lines+markers",
                connectgaps=False,
            )
        )
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[row["overall"] for row in rows],
            name="Overall",
            mode="lines+markers",
            line={"width": 4, "color": "#1d4e89"},
        )
    )
    fig.update_layout(
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        height=380,
        yaxis={"title": {"text": "Readiness score (%)"}, "range": [0, 100]},
        xaxis={"title": {"text": "Completed on"}, "type": "date"},
        legend={"orientation": "h", "y": -0.2},
        template="plotly_white",
    )
    return fig.to_json()
