"""The board report's content, shared by the printable page and the PDF (one source, so the
two cannot disagree): the organization, the period, each step's progress, the priority
inequities with their charts, charters and campaigns, data quality and the methods."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from data_hub import api
from equity_portal.core.models import Organization

from . import selectors, steps45


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
    vision = content.vision
    vision_text = "The vision is approved. " if vision.approved else "No approved vision yet. "
    vision_text += f"{vision.adopted:,} priority inequities adopted. "
    vision_text += (
        "Charters: "
        + ", ".join(f"{n:,} {label.lower()}" for _s, label, n in vision.charters_by_status)
        + "."
        if vision.charters_by_status
        else "No charter yet."
    )
    improve = content.improve
    improve_text = (
        f"{improve.open_campaigns:,} open campaigns; {improve.cycles_this_quarter:,} PDSA cycles "
        f"started this quarter ({improve.quarter_label})."
    )
    steps += [("4 Vision", vision_text), ("5 Improve", improve_text)]
    return steps


def _rate(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _pp(value) -> str:
    return "—" if value is None else f"{100 * value:+.1f} pp"


def aim_text(value: float, aim: str) -> str:
    if aim == "ratio":
        return f"ratio at most {value:.2f}"
    if aim == "difference":
        return f"gap at most {100 * value:.1f} pp"
    return f"rate {100 * value:.1f}%"


def priority_chart(organization: Organization, row: steps45.PriorityGoal) -> PriorityChart:
    """A priority goal as the report shows it: the numbers are the data hub's series as the
    goal's page publishes them (suppressed parts stay None), the verdict Improve's."""
    goal, analysis = row.goal, row.analysis
    points = tuple(
        ChartPoint(
            period_label=p.period_label,
            focus=None if p.suppressed else p.rate,
            reference=None if p.reference_suppressed else p.reference_rate,
        )
        for p in analysis.points
    )
    latest = analysis.latest
    if latest is None:
        latest_text = gap_text = "No period can be shown yet."
    elif latest.suppressed:
        latest_text, gap_text = f"{latest.period_label}: suppressed (small numbers)", "—"
    else:
        latest_text = (
            f"{latest.period_label}: {goal.group} {_rate(latest.rate)} "
            f"(95% CI {_rate(latest.rate_lower)} to {_rate(latest.rate_upper)}); "
            f"{goal.reference_group} "
            + ("suppressed" if latest.reference_suppressed else f"{_rate(latest.reference_rate)}")
        )
        gap_text = (
            "—"
            if latest.difference is None
            else f"{_pp(latest.difference)} (95% CI {_pp(latest.difference_lower)} to "
            f"{_pp(latest.difference_upper)}); positive means worse than the reference"
        )
    change = analysis.gap_change
    if change is None:
        change_text, verdict = "Not known yet.", "Not known yet"
    else:
        change_text = (
            f"{_pp(change.baseline)} at baseline to {_pp(change.latest)}: a change of "
            f"{_pp(change.change)} (95% CI {_pp(change.lower)} to {_pp(change.upper)})"
        )
        verdict = change.verdict.capitalize()
    provenance = latest.provenance.as_text() if latest is not None and latest.provenance else ""
    return PriorityChart(
        title=goal.title,
        measure_name=goal.measure_name or goal.measure,
        dimension_label=goal.dimension_label or goal.dimension,
        group=goal.group,
        reference_group=goal.reference_group,
        points=points,
        target_text=f"{aim_text(goal.target_value, goal.aim)} by {goal.target_date:%-d %B %Y}",
        target_rate=goal.target_value if goal.aim == "rate" else None,
        latest_text=latest_text,
        gap_text=gap_text,
        change_text=change_text,
        verdict=verdict,
        provenance=provenance,
        url=row.url,
    )


def _plans(organization: Organization, rows: list[steps45.PriorityGoal]) -> list:
    plans = []
    by_charter: dict[int, list[steps45.PriorityGoal]] = {}
    for row in rows:
        by_charter.setdefault(row.goal.charter_id, []).append(row)
    for charter in steps45.charter_list(organization):
        goals = by_charter.get(charter.pk, [])
        on_track = sum(1 for r in goals if r.analysis.progress and r.analysis.progress.on_track)
        text = charter.get_status_display()
        if goals:
            text += f"; {on_track} of {len(goals)} goals on track"
        plans.append(("Charter", charter.title, text))
    for campaign, summary in steps45.campaign_progress(organization):
        text = campaign.get_status_display()
        if summary["goals"]:
            text += f"; {summary['on_track']} of {summary['goals']} goals on track"
            if summary["mean_percent"] is not None:
                text += f", {summary['mean_percent']:.0f}% of the way on average"
        plans.append(("Campaign", campaign.name, text))
    return plans


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
    content.priorities = [priority_chart(organization, row) for row in summary.priorities]
    content.plans = _plans(organization, summary.priorities)
    content.steps = _steps(summary)
    return content
