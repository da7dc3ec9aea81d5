"""The board report's content, shared by the printable page and the PDF (one source, so the
two cannot disagree): the organization, the period, each step's progress, the priority
inequities with their charts, charters and campaigns, data quality and the methods."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from data_hub import api
from equity_portal.core.models import Organization

from . import selectors


@dataclass(frozen=True)
class ChartPoint:
    period_label: str
    focus: float | None  # rate 0..1, None when suppressed
    reference: float | None


@dataclass(frozen=True)
class PriorityChart:
    """One priority inequity as the report shows it (numbers as the goal publishes them)."""

    title: str
    measure_name: str
    dimension_label: str
    group: str
    reference_group: str
    points: tuple[ChartPoint, ...]
    target_text: str
    target_rate: float | None
    latest_text: str
    gap_text: str
    change_text: str
    verdict: str
    provenance: str
    url: str = ""


@dataclass
class ReportContent:
    organization: Organization
    period_from: date
    period_to: date
    generated_at: datetime
    overview: selectors.Overview
    steps: list[tuple[str, str]]  # (step title, progress in words)
    priorities: list[PriorityChart] = field(default_factory=list)
    plans: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, name, progress)
    quality: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    methods: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[selectors.RequirementEvidence] = field(default_factory=list)


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=365), today


def _percent(value: float | None) -> str:
    return "not shown (small numbers)" if value is None else f"{value:.1f}%"


def _steps(content: selectors.Overview) -> list[tuple[str, str]]:
    commit, learn, data = content.commit, content.learn, content.data
    if commit.latest_score is None:
        commit_text = "The readiness self-assessment has not been completed yet."
    else:
        commit_text = f"Self-assessment score {commit.latest_score}%"
        if commit.change is not None:
            commit_text += f" ({commit.change:+d} points since the one before)"
        commit_text += "."
    commit_text += (
        f" {commit.open_commitments:,} open commitments, {commit.overdue_commitments:,} overdue;"
        f" {commit.done_commitments:,} done. {commit.champions:,} equity champions."
    )
    if learn.assigned:
        learn_text = (
            f"{learn.done:,} of {learn.assigned:,} assigned learning items completed "
            f"({learn.percent:.1f}%), {learn.overdue:,} overdue."
        )
    else:
        learn_text = "No learning plan is assigned yet."
    latest = data.latest_extract
    if latest is None:
        data_text = "No extract has been processed yet."
    else:
        data_text = (
            f"Latest extract {latest.name}, processed "
            f"{timezone.localtime(latest.processed_at):%-d %B %Y}. "
        )
        data_text += "; ".join(
            f"{c.label} known {_percent(c.percent_known)}" for c in data.completeness
        )
        data_text += "."
    steps = [("1 Commit", commit_text), ("2 Learn", learn_text), ("3 Data", data_text)]
    for key, title in (("vision", "4 Vision"), ("improve", "5 Improve")):
        steps.append((title, content.extra.get(f"{key}_text", "Not started yet.")))
    return steps


def _quality(content: selectors.Overview) -> list[tuple[str, str]]:
    data = content.data
    rows = [("Processed extracts", f"{data.processed_count:,}")]
    if data.latest_extract is not None:
        rows.append(("Latest extract", data.latest_extract.name))
        rows.append(("Completeness target", f"{data.completeness_target:.1f}%"))
        for c in data.completeness:
            rows.append((f"{c.label} known ({c.period_label})", _percent(c.percent_known)))
    return rows


def _methods(organization: Organization) -> list[tuple[str, str]]:
    k = api.effective_k(organization)
    return [
        (
            "Small numbers",
            f"A count below {k} (or a group where fewer than {k} people had, or did not have, "
            "the outcome) is never shown: its rate, count and anything derived from it are "
            "left out of pages, charts, exports and this report. When one group in a table "
            "is hidden, the next smallest is hidden too, so no number can be recovered by "
            "subtraction.",
        ),
        (
            "Rates and intervals",
            "A rate is the share of patients with the outcome in a period. Each rate has a "
            "95% interval (Wilson score): the range the true rate very likely lies in, wider "
            "for smaller groups.",
        ),
        (
            "Reference groups and gaps",
            "Each group is compared with a reference group (by default the largest group; a "
            "measure can name another). The gap is the difference between the group's rate "
            "and the reference group's, always counted so that a positive gap means worse "
            "than the reference. A gap whose 95% interval (Newcombe) excludes zero is called "
            "significant. Unknown and declined answers are shown but never compared.",
        ),
        (
            "Is the gap closing?",
            "The change in the gap from the goal's baseline to the latest period is given "
            "with its 95% interval; periods are treated as independent. 'Narrowing' or "
            "'widening' is said only when the interval excludes zero, otherwise 'no "
            "detectable change'.",
        ),
        (
            "Provenance",
            "Every chart names the extract it was computed from, the column mapping, the "
            "value-map version and the method version.",
        ),
    ]


def report_content(
    organization: Organization,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
) -> ReportContent:
    default_from, default_to = default_period()
    summary = selectors.overview(organization, None)
    content = ReportContent(
        organization=organization,
        period_from=period_from or default_from,
        period_to=period_to or default_to,
        generated_at=timezone.now(),
        overview=summary,
        steps=[],
        quality=_quality(summary),
        methods=_methods(organization),
        evidence=selectors.evidence_pack(organization),
    )
    content.steps = _steps(summary)
    return content
