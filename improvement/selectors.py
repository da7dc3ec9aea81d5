"""Improve's reads: campaign lists and cycles (bounded queries), and per goal the charts,
verdict, progress and flags computed from the data hub's read API (goals.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from data_hub import api
from equity_portal.core.models import Organization
from vision import selectors as vision_selectors
from vision.models import CharterGoal, ReviewStatus

from .goals import Annotation, GoalAnalysis, GoalSpec, analyse_goal
from .models import Campaign, GoalResponse, PDSACycle, Rebaseline


def campaign_list(
    *,
    organization: Organization,
    q: str | None = None,
    status: str | None = None,
    owner_id: int | None = None,
) -> QuerySet[Campaign]:
    campaigns = (
        Campaign.objects.filter(organization=organization)
        .select_related("owner__user")
        .annotate(cycle_count=Count("cycles", distinct=True), last_cycle=Max("cycles__start_date"))
    )
    if q:
        campaigns = campaigns.filter(name__icontains=q)
    if status:
        campaigns = campaigns.filter(status=status)
    if owner_id:
        campaigns = campaigns.filter(owner_id=owner_id)
    return campaigns.order_by("-start_date", "-id")


def campaign_cycles(*, campaign: Campaign) -> QuerySet[PDSACycle]:
    return (
        PDSACycle.objects.filter(organization=campaign.organization, campaign=campaign)
        .select_related("recorded_by", "follows")
        .order_by("number")
    )


def cycle_list(*, organization: Organization, campaign_ids=None) -> QuerySet[PDSACycle]:
    cycles = PDSACycle.objects.filter(organization=organization).select_related("campaign")
    if campaign_ids is not None:
        cycles = cycles.filter(campaign_id__in=list(campaign_ids))
    return cycles.order_by("start_date", "campaign_id", "number")


# --- Goals ---------------------------------------------------------------------------------
# Vision's goals are read through vision.selectors where it has the query.


def linkable_goals(*, organization: Organization, include=()) -> QuerySet[CharterGoal]:
    """Goals of the organization's approved charters in force, plus any already linked."""
    approved = Q(charter__status=ReviewStatus.APPROVED, charter__superseded_at__isnull=True)
    extra = [g.pk for g in include]
    return (
        vision_selectors.goal_list(organization=organization, include_superseded=bool(extra))
        .filter(approved | Q(pk__in=extra))
        .order_by("charter__title", "id")
    )


def goal_queryset() -> QuerySet[CharterGoal]:
    return CharterGoal.objects.select_related("charter", "owner__user", "priority")


def goal_spec(goal: CharterGoal) -> GoalSpec:
    return GoalSpec(
        pk=goal.pk,
        aim=goal.aim,
        target_value=float(goal.target_value),
        target_date=goal.target_date,
        baseline_period=goal.baseline_period_start or date.min,
        baseline={
            "rate": goal.baseline_rate,
            "difference": goal.baseline_difference,
            "difference_lower": goal.baseline_difference_lower,
            "difference_upper": goal.baseline_difference_upper,
            "ratio": goal.baseline_ratio,
        },
    )


def goal_campaigns(*, goal: CharterGoal) -> QuerySet[Campaign]:
    """Campaigns on this goal or on its copies in other revisions of the charter."""
    return (
        Campaign.objects.filter(organization=goal.organization, goals__lineage=goal.lineage)
        .select_related("owner__user")
        .distinct()
        .order_by("-start_date", "-id")
    )


def goal_annotations(*, goal: CharterGoal) -> list[Annotation]:
    cycles = (
        PDSACycle.objects.filter(
            organization=goal.organization, campaign__goals__lineage=goal.lineage
        )
        .select_related("campaign")
        .distinct()
        .order_by("start_date", "campaign_id", "number")
    )
    return [
        Annotation(
            date=c.start_date,
            label=f"PDSA {c.number}",
            text=f"{c.campaign.name}, PDSA {c.number}: {c.change_idea}",
            url=reverse(
                "improvement:cycle_detail",
                kwargs={"org_slug": goal.organization.slug, "pk": c.pk},
            ),
        )
        for c in cycles
    ]


def goal_rebaselines(*, goal: CharterGoal) -> QuerySet[Rebaseline]:
    return (
        Rebaseline.objects.filter(organization=goal.organization, goal__lineage=goal.lineage)
        .select_related("recorded_by")
        .order_by("period_start")
    )


def goal_analysis(*, goal: CharterGoal, today: date | None = None) -> GoalAnalysis:
    """The goal's charts, gap change, progress, icons and flags from the data hub's series
    (all processed extracts, suppression applied), with its rebaselines and PDSA cycles."""
    series = api.measure_series(
        goal.organization, goal.measure, goal.dimension, goal.group, goal.reference_group
    )
    return analyse_goal(
        goal_spec(goal),
        series,
        rebaseline_dates=[r.period_start for r in goal_rebaselines(goal=goal)],
        annotations=goal_annotations(goal=goal),
        today=today or timezone.localdate(),
    )


@dataclass(frozen=True)
class Flag:
    reason: str  # GoalResponse.Reason
    label: str
    period_start: date
    response: GoalResponse | None

    @property
    def open(self) -> bool:
        return self.response is None


def goal_flags(*, goal: CharterGoal, analysis: GoalAnalysis) -> list[Flag]:
    """Not met (past the target date short of target) and not sustained (a signal in the wrong
    direction after it was met); each is answered by a response recorded on the latest data."""
    latest = analysis.latest
    if latest is None:
        return []
    raised = []
    if analysis.not_met:
        raised.append(GoalResponse.Reason.NOT_MET)
    if analysis.not_sustained:
        raised.append(GoalResponse.Reason.NOT_SUSTAINED)
    if not raised:
        return []
    responses = {
        r.reason: r
        for r in GoalResponse.objects.filter(
            organization=goal.organization,
            goal__lineage=goal.lineage,
            period_start__gte=latest.period_start,
            reason__in=raised,
        )
        .select_related("cycle", "recorded_by")
        .order_by("created_at")
    }
    return [
        Flag(reason, GoalResponse.Reason(reason).label, latest.period_start, responses.get(reason))
        for reason in raised
    ]


def goal_responses(*, goal: CharterGoal) -> QuerySet[GoalResponse]:
    return (
        GoalResponse.objects.filter(organization=goal.organization, goal__lineage=goal.lineage)
        .select_related("cycle", "recorded_by")
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class GoalSummary:
    goal: CharterGoal
    analysis: GoalAnalysis
    flags: list


def campaign_goal_summaries(*, campaign: Campaign, today: date | None = None) -> list[GoalSummary]:
    out = []
    for goal in campaign.goals.select_related("charter", "owner__user").order_by("id"):
        analysis = goal_analysis(goal=goal, today=today)
        out.append(GoalSummary(goal, analysis, goal_flags(goal=goal, analysis=analysis)))
    return out


def rollup(summaries) -> dict:
    """Progress rolled up over goals: how many have data, are on track, met, flagged, and the
    mean percent of the way (over goals with a percent)."""
    with_progress = [s.analysis.progress for s in summaries if s.analysis.progress is not None]
    percents = [p.percent for p in with_progress if p.percent is not None]
    return {
        "goals": len(summaries),
        "with_data": len(with_progress),
        "on_track": sum(1 for p in with_progress if p.on_track),
        "met": sum(1 for p in with_progress if p.met),
        "flagged": sum(1 for s in summaries if any(f.open for f in s.flags)),
        "mean_percent": sum(percents) / len(percents) if percents else None,
    }
