"""Improve's writes: campaigns, PDSA cycles, rebaselines and responses to goals not met or not
sustained. Keyword-only, typed, atomic, audited (details carry no counts)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from equity_portal.core.audit import audit_record
from equity_portal.core.models import Membership, Organization, User
from vision.models import CharterGoal

from .models import Campaign, GoalResponse, PDSACycle, Rebaseline

CAMPAIGN_FIELDS = {
    "goals",
    "name",
    "aim",
    "owner",
    "start_date",
    "end_date",
    "status",
    "change_ideas",
    "lessons",
}
CYCLE_FIELDS = {
    "change_idea",
    "question",
    "prediction",
    "plan_who",
    "plan_when",
    "plan_where",
    "plan_data",
    "start_date",
    "end_date",
    "what_happened",
    "problems",
    "study",
    "decision",
    "next_test",
}


def _check_dates(start: date | None, end: date | None, *, field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError({field: "The end date cannot be before the start date."})


def _check_campaign(
    *, organization: Organization, name: str, owner: Membership, exclude_pk: int | None = None
) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the campaign a name."})
    if owner.organization_id != organization.pk or not owner.is_active:
        raise ValidationError({"owner": "The owner must be an active member."})
    clash = Campaign.objects.filter(organization=organization, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": "Another campaign already has this name."})
    return name


def _check_goals(*, organization: Organization, goals) -> list[CharterGoal]:
    goals = list(goals or ())
    if any(g.organization_id != organization.pk for g in goals):
        raise ValidationError({"goals": "Choose goals of this organization's charters."})
    return goals


def _check_status(status: str) -> None:
    if status not in Campaign.Status.values:
        raise ValidationError({"status": "Choose one of the listed statuses."})


@transaction.atomic
def campaign_create(
    *,
    organization: Organization,
    name: str,
    owner: Membership,
    start_date: date,
    end_date: date | None = None,
    status: str = Campaign.Status.PLANNED,
    aim: str = "",
    change_ideas: str = "",
    lessons: str = "",
    goals=(),
    actor: User,
) -> Campaign:
    name = _check_campaign(organization=organization, name=name, owner=owner)
    goals = _check_goals(organization=organization, goals=goals)
    _check_status(status)
    _check_dates(start_date, end_date)
    campaign = Campaign.objects.create(
        organization=organization,
        name=name,
        owner=owner,
        start_date=start_date,
        end_date=end_date,
        status=status,
        aim=aim.strip(),
        change_ideas=change_ideas.strip(),
        lessons=lessons.strip(),
        created_by=actor,
    )
    campaign.goals.set(goals)
    audit_record(
        organization=organization,
        actor=actor,
        action="campaign.create",
        obj=campaign,
        details={
            "status": status,
            "owner": owner.user.email,
            "goals": sorted(g.pk for g in goals),
        },
    )
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, actor: User, **changes) -> Campaign:
    unknown = set(changes) - CAMPAIGN_FIELDS
    if unknown:
        raise ValidationError(f"Not editable here: {', '.join(sorted(unknown))}.")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    organization = campaign.organization
    if "name" in changes or "owner" in changes:
        changes["name"] = _check_campaign(
            organization=organization,
            name=changes.get("name", campaign.name),
            owner=changes.get("owner", campaign.owner),
            exclude_pk=campaign.pk,
        )
    if "status" in changes:
        _check_status(changes["status"])
    _check_dates(
        changes.get("start_date", campaign.start_date), changes.get("end_date", campaign.end_date)
    )
    for text in ("aim", "change_ideas", "lessons"):
        if text in changes:
            changes[text] = (changes[text] or "").strip()
    goals = changes.pop("goals", None)
    changed = sorted(f for f, v in changes.items() if getattr(campaign, f) != v)
    goal_ids = None
    if goals is not None:
        goals = _check_goals(organization=organization, goals=goals)
        goal_ids = sorted(g.pk for g in goals)
        if goal_ids != sorted(campaign.goals.values_list("pk", flat=True)):
            campaign.goals.set(goals)
            changed.append("goals")
    if not changed:
        return campaign
    previous_status = campaign.status
    for field in changed:
        if field != "goals":
            setattr(campaign, field, changes[field])
    campaign.save()
    details: dict = {"fields": sorted(changed)}
    if goal_ids is not None and "goals" in changed:
        details["goals"] = goal_ids
    if "status" in changed:
        details["status"] = {"from": previous_status, "to": campaign.status}
    audit_record(
        organization=organization,
        actor=actor,
        action="campaign.update",
        obj=campaign,
        details=details,
    )
    return campaign


def _check_cycle(values: dict) -> None:
    if "change_idea" in values and not (values["change_idea"] or "").strip():
        raise ValidationError({"change_idea": "Name the change idea this cycle tests."})
    if "question" in values and not (values["question"] or "").strip():
        raise ValidationError({"question": "Say what question this cycle answers."})
    if values.get("decision") and values["decision"] not in PDSACycle.Decision.values:
        raise ValidationError({"decision": "Choose adopt, adapt or abandon."})


@transaction.atomic
def pdsa_cycle_create(
    *, campaign: Campaign, start_date: date, change_idea: str, question: str, actor: User, **rest
) -> PDSACycle:
    """Record the campaign's next PDSA cycle: numbered after the last one, which it follows."""
    unknown = set(rest) - CYCLE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    values = {"change_idea": change_idea, "question": question, "start_date": start_date, **rest}
    _check_cycle(values)
    _check_dates(start_date, values.get("end_date"))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    last = PDSACycle.objects.filter(campaign=campaign).order_by("-number").first()
    number = last.number + 1 if last else 1
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    cycle = PDSACycle.objects.create(
        organization=campaign.organization,
        campaign=campaign,
        number=number,
        follows=last,
        recorded_by=actor,
        **cleaned,
    )
    audit_record(
        organization=campaign.organization,
        actor=actor,
        action="pdsa_cycle.create",
        obj=cycle,
        details={"campaign": campaign.pk, "number": number},
    )
    return cycle


@transaction.atomic
def pdsa_cycle_update(*, cycle: PDSACycle, actor: User, **changes) -> PDSACycle:
    unknown = set(changes) - CYCLE_FIELDS
    if unknown:
        raise ValidationError(f"Not editable here: {', '.join(sorted(unknown))}.")
    _check_cycle(changes)
    cycle = PDSACycle.objects.select_for_update().get(pk=cycle.pk)
    _check_dates(
        changes.get("start_date", cycle.start_date), changes.get("end_date", cycle.end_date)
    )
    changes = {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
    changed = sorted(f for f, v in changes.items() if getattr(cycle, f) != v)
    if not changed:
        return cycle
    for field in changed:
        setattr(cycle, field, changes[field])
    cycle.save()
    audit_record(
        organization=cycle.organization,
        actor=actor,
        action="pdsa_cycle.update",
        obj=cycle,
        details={"campaign": cycle.campaign_id, "number": cycle.number, "fields": changed},
    )
    return cycle


@transaction.atomic
def rebaseline_record(
    *, goal: CharterGoal, period_start: date, reason: str, actor: User
) -> Rebaseline:
    """Start a new phase of the goal's charts from `period_start` (a person's decision, with a
    reason: never automatic)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the process changed enough to rebaseline."})
    if goal.baseline_period_start and period_start <= goal.baseline_period_start:
        raise ValidationError(
            {"period_start": "A new phase starts after the goal's baseline period."}
        )
    if Rebaseline.objects.filter(goal=goal, period_start=period_start).exists():
        raise ValidationError({"period_start": "A new phase already starts at this period."})
    rebaseline = Rebaseline.objects.create(
        organization=goal.organization,
        goal=goal,
        period_start=period_start,
        reason=reason,
        recorded_by=actor,
    )
    audit_record(
        organization=goal.organization,
        actor=actor,
        action="rebaseline.create",
        obj=rebaseline,
        details={"goal": goal.pk, "period_start": period_start.isoformat()},
    )
    return rebaseline


@transaction.atomic
def goal_response_record(
    *,
    goal: CharterGoal,
    reason: str,
    period_start: date,
    cycle: PDSACycle | None = None,
    action: str = "",
    action_date: date | None = None,
    actor: User,
) -> GoalResponse:
    """Answer a goal flagged not met or not sustained: a new PDSA cycle of a campaign on the
    goal, or an action with a date."""
    if reason not in GoalResponse.Reason.values:
        raise ValidationError({"reason": "Unknown flag."})
    action = (action or "").strip()
    if cycle is None and not (action and action_date):
        raise ValidationError("Choose a new PDSA cycle, or describe an action and its date.")
    if cycle is not None and not cycle.campaign.goals.filter(lineage=goal.lineage).exists():
        raise ValidationError({"cycle": "Choose a cycle of a campaign on this goal."})
    response = GoalResponse.objects.create(
        organization=goal.organization,
        goal=goal,
        reason=reason,
        period_start=period_start,
        cycle=cycle,
        action=action,
        action_date=action_date,
        recorded_by=actor,
    )
    audit_record(
        organization=goal.organization,
        actor=actor,
        action="goal_response.create",
        obj=response,
        details={
            "goal": goal.pk,
            "reason": reason,
            "cycle": cycle.pk if cycle else None,
            "action_date": action_date.isoformat() if action_date else None,
        },
    )
    return response


def goal_chart_view_record(*, goal: CharterGoal, actor: User, page: str = "goal") -> None:
    """One audit event per view of a goal's per-group results (DESIGN §3: every results view is
    audited): which goal and page, never a number."""
    audit_record(
        organization=goal.organization,
        actor=actor,
        action="goal_chart.view",
        obj=goal,
        details={"page": page, "measure": goal.measure, "dimension": goal.dimension},
    )
