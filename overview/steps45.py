"""Steps 4 (Vision) and 5 (Improve) on the overview and in the board report, read through
Vision's and Improve's selectors; the per-goal numbers (gap change, progress, icons, flags)
are Improve's own analysis, never recomputed here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from equity_portal.core.models import Membership, Organization
from equity_portal.core.roles import Capability
from improvement import selectors as improve_selectors
from vision import selectors as vision_selectors

# Priority goals shown on the overview (the toolkit: a few actionable inequities). A cap keeps
# the page's queries bounded whatever the number of goals.
MAX_PRIORITY_GOALS = 8
CAMPAIGN_OPEN = ("planned", "active", "sustaining")


def _url(organization: Organization, name: str, **kwargs) -> str:
    """The page's URL, or "" while its app has no such page."""
    try:
        return reverse(name, kwargs={"org_slug": organization.slug, **kwargs})
    except NoReverseMatch:
        return ""


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True)
class VisionSummary:
    approved: bool
    text: str
    adopted: int
    proposed: int
    charters_by_status: tuple[tuple[str, str, int], ...]  # (status, label, count)
    waiting: int
    url: str  # "" until Vision's pages exist


CHARTER_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted for approval",
    "approved": "Approved",
    "returned": "Returned for changes",
}


def charters_waiting(organization: Organization):
    return vision_selectors.charters_waiting_for_approval(organization=organization)


def vision_summary(organization: Organization) -> VisionSummary:
    summary = vision_selectors.vision_summary(organization=organization)
    statuses = Counter(
        vision_selectors.charter_list(organization=organization).values_list("status", flat=True)
    )
    vision = summary["vision"]
    return VisionSummary(
        approved=vision is not None,
        text=vision.text if vision is not None else "",
        adopted=summary["adopted"],
        proposed=summary["proposed"],
        charters_by_status=tuple(
            (status, label, statuses[status])
            for status, label in CHARTER_LABELS.items()
            if statuses[status]
        ),
        waiting=summary["waiting"],
        url=_url(organization, "vision:index"),
    )


def charter_list(organization: Organization):
    """Charters in force (the newest revision of each), for the board report."""
    return vision_selectors.charter_list(organization=organization)


def campaign_progress(organization: Organization, today: date | None = None) -> list:
    """(campaign, Improve's roll-up of its goals) for every campaign not closed."""
    campaigns = improve_selectors.campaign_list(organization=organization).filter(
        status__in=CAMPAIGN_OPEN
    )
    return [
        (
            campaign,
            improve_selectors.rollup(
                improve_selectors.campaign_goal_summaries(campaign=campaign, today=today)
            ),
        )
        for campaign in campaigns
    ]


@dataclass(frozen=True)
class ImproveSummary:
    campaigns_by_status: tuple[tuple[str, int], ...]
    open_campaigns: int
    cycles_this_quarter: int
    quarter_label: str
    url: str


def improve_summary(organization: Organization, today: date | None = None) -> ImproveSummary:
    today = today or timezone.localdate()
    start = quarter_start(today)
    statuses = Counter(
        improve_selectors.campaign_list(organization=organization)
        .order_by()
        .values_list("status", flat=True)
    )
    labels = {"planned": "Planned", "active": "Active", "sustaining": "Sustaining",
              "closed": "Closed"}  # fmt: skip
    cycles = (
        improve_selectors.cycle_list(organization=organization)
        .filter(start_date__gte=start, start_date__lte=today)
        .count()
    )
    return ImproveSummary(
        campaigns_by_status=tuple((labels[s], statuses[s]) for s in labels if statuses[s]),
        open_campaigns=sum(statuses[s] for s in CAMPAIGN_OPEN),
        cycles_this_quarter=cycles,
        quarter_label=f"{start.year} Q{(start.month - 1) // 3 + 1}",
        url=_url(organization, "improvement:index"),
    )


@dataclass(frozen=True)
class PriorityGoal:
    """One row of the priority measures table (NHS "Making Data Count" style)."""

    goal: object  # vision.models.CharterGoal
    analysis: object  # improvement.goals.GoalAnalysis
    flags: tuple
    url: str
    sparkline: tuple[float | None, ...]  # the aim's values over periods, None = suppressed

    @property
    def latest(self):
        return self.analysis.latest

    @property
    def open_flags(self) -> tuple:
        return tuple(f for f in self.flags if f.open)

    @property
    def spark_segments(self) -> list[str]:
        return spark_segments(self.sparkline)


def priority_goals(organization: Organization, today: date | None = None) -> list[PriorityGoal]:
    """The goals of approved charters in force, each with Improve's analysis of its series."""
    goals = improve_selectors.linkable_goals(organization=organization).select_related(
        "owner__user"
    )[:MAX_PRIORITY_GOALS]
    rows = []
    for goal in goals:
        analysis = improve_selectors.goal_analysis(goal=goal, today=today)
        flags = tuple(improve_selectors.goal_flags(goal=goal, analysis=analysis))
        chart = analysis.aim_chart
        rows.append(
            PriorityGoal(
                goal=goal,
                analysis=analysis,
                flags=flags,
                url=_url(organization, "improvement:goal_detail", pk=goal.pk),
                sparkline=tuple(None if v != v else float(v) for v in chart.values),
            )
        )
    return rows


@dataclass(frozen=True)
class Attention:
    kind: str
    text: str
    url: str
    detail: str = ""
    severity: str = "warning"


def attention(
    organization: Organization, membership: Membership, goals: list[PriorityGoal]
) -> list[Attention]:
    """Charters awaiting approval (those who approve), responses owed by the viewer on their
    goals, and every goal flagged as not met or not sustained."""
    items = []
    if membership.can(Capability.APPROVE):
        for charter in charters_waiting(organization)[:10]:
            items.append(
                Attention(
                    kind="Charter",
                    text=f"{charter.title}: waiting for your approval",
                    url=_url(organization, "vision:charter_detail", pk=charter.pk),
                    detail=f"Submitted {charter.submitted_at:%-d %b %Y}"
                    if charter.submitted_at
                    else "",
                )
            )
    for row in goals:
        for flag in row.open_flags:
            owed = row.goal.owner_id == membership.pk
            items.append(
                Attention(
                    kind="Response owed" if owed else "Goal flagged",
                    text=f"{row.goal.title}: {flag.label.lower()}",
                    url=row.url,
                    detail="Record a PDSA cycle or an action" if owed else "",
                    severity="danger" if owed else "warning",
                )
            )
    return items


SPARK_WIDTH, SPARK_HEIGHT = 120, 28


def spark_segments(values: tuple[float | None, ...]) -> list[str]:
    """SVG polyline points of a sparkline: one segment per run of shown values (a suppressed
    period is a gap, never a value)."""
    shown = [v for v in values if v is not None]
    if not shown:
        return []
    lo, hi = min(shown), max(shown)
    span = (hi - lo) or 1.0
    n = len(values)
    segments, current = [], []
    for i, value in enumerate(values):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        x = 2 + (SPARK_WIDTH - 4) * (i / (n - 1) if n > 1 else 0.5)
        y = SPARK_HEIGHT - 3 - (SPARK_HEIGHT - 6) * (value - lo) / span
        current.append(f"{x:.1f},{y:.1f}")
    if current:
        segments.append(" ".join(current))
    return segments
