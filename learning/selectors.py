"""Reads of the Learn step, shared by views, CSV exports, charts and the overview.

Selectors take the organization explicitly. Reflections are private to their author and the
organization's administrators: every selector that reads them takes the viewer and exposes only
`visible_reflection` (blank when the viewer may not read it); the raw field is deferred.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from equity_portal.core.glossary import GlossaryEntry
from equity_portal.core.models import Membership, Organization
from equity_portal.core.roles import Role

from .models import (
    GlossaryTerm,
    ItemCompletion,
    LearningPlan,
    LearningSession,
    PlanItem,
    Resource,
    SessionReflection,
    Team,
)


def can_read_all_reflections(viewer: Membership) -> bool:
    return viewer.is_active and viewer.role == Role.ADMIN


def _with_visible_reflection(qs: QuerySet, *, viewer: Membership, author: str, text: str):
    if can_read_all_reflections(viewer):
        visible = F(text)
    else:
        visible = Case(
            When(**{author: viewer.pk}, then=F(text)), default=Value(""), output_field=CharField()
        )
    return qs.annotate(visible_reflection=visible).defer(text)


# ---------------------------------------------------------------- members


def member_choices(*, organization: Organization) -> QuerySet[Membership]:
    """Active members, for assignee, team and attendance pickers (Membership is unscoped)."""
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


# ---------------------------------------------------------------- library


def resource_list(
    *,
    organization: Organization,
    q: str | None = None,
    kind: str | None = None,
    step: str | None = None,
    tag: str | None = None,
) -> QuerySet[Resource]:
    resources = Resource.objects.filter(organization=organization)
    if q:
        resources = resources.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(tags__icontains=q)
        )
    if kind:
        resources = resources.filter(kind=kind)
    if step:
        resources = resources.filter(step=step)
    if tag:
        tag = tag.strip().lower()
        resources = resources.filter(
            Q(tags=tag)
            | Q(tags__startswith=f"{tag},")
            | Q(tags__endswith=f",{tag}")
            | Q(tags__contains=f",{tag},")
        )
    return resources.order_by("title", "id")


def resource_tag_choices(*, organization: Organization) -> list[str]:
    tags: set[str] = set()
    for value in Resource.objects.filter(organization=organization).values_list("tags", flat=True):
        tags.update(t for t in value.split(",") if t)
    return sorted(tags)


# ---------------------------------------------------------------- glossary


def glossary_term_list(*, organization: Organization, q: str | None = None):
    terms = GlossaryTerm.objects.filter(organization=organization)
    if q:
        terms = terms.filter(
            Q(term__icontains=q) | Q(aliases__icontains=q) | Q(definition__icontains=q)
        )
    return terms.order_by("term", "id")


def glossary_index(organization: Organization) -> dict[str, GlossaryEntry]:
    """Slugified term and alias -> entry, for the core's glossary link tag (one query).
    Registered with `equity_portal.core.glossary` when the app starts."""
    index: dict[str, GlossaryEntry] = {}
    rows = GlossaryTerm.objects.filter(organization=organization).values_list(
        "term", "slug", "aliases", "definition"
    )

    def entry(term: str, slug: str, definition: str) -> GlossaryEntry:
        url = reverse(
            "learning:glossary_term", kwargs={"org_slug": organization.slug, "slug": slug}
        )
        return GlossaryEntry(term=term, definition=definition, url=url)

    for term, slug, aliases, definition in rows:
        for alias in [a for a in aliases.split(",") if a.strip()]:
            index.setdefault(slugify(alias), entry(term, slug, definition))
    for term, slug, _aliases, definition in rows:  # a term's own name wins over an alias
        index[slug] = entry(term, slug, definition)
    return index


# ---------------------------------------------------------------- teams and plans


def team_list(*, organization: Organization, q: str | None = None) -> QuerySet[Team]:
    teams = Team.objects.filter(organization=organization)
    if q:
        teams = teams.filter(name__icontains=q)
    return teams.annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    ).order_by("name", "id")


def team_members(*, team: Team) -> QuerySet[Membership]:
    return team.members.filter(is_active=True).select_related("user").order_by("user__email")


def plan_list(
    *,
    organization: Organization,
    q: str | None = None,
    assignee: Membership | None = None,
    team: Team | None = None,
    for_member: Membership | None = None,
) -> QuerySet[LearningPlan]:
    """Plans, optionally only those assigned to a member directly or through a team."""
    plans = LearningPlan.objects.filter(organization=organization)
    if q:
        plans = plans.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if assignee is not None:
        plans = plans.filter(assignee=assignee)
    if team is not None:
        plans = plans.filter(team=team)
    if for_member is not None:
        plans = plans.filter(Q(assignee=for_member) | Q(team__members=for_member)).distinct()
    return (
        plans.select_related("assignee__user", "team")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-created_at", "-id")
    )


def plan_item_list(*, plan: LearningPlan) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(organization=plan.organization, plan=plan)
        .select_related("resource")
        .order_by("due_date", "id")
    )


def completion_list(
    *,
    organization: Organization,
    viewer: Membership,
    plan: LearningPlan | None = None,
    membership: Membership | None = None,
) -> QuerySet[ItemCompletion]:
    completions = ItemCompletion.objects.filter(organization=organization)
    if plan is not None:
        completions = completions.filter(item__plan=plan)
    if membership is not None:
        completions = completions.filter(membership=membership)
    completions = completions.select_related("membership__user", "item__resource", "item__plan")
    return _with_visible_reflection(
        completions, viewer=viewer, author="membership_id", text="reflection"
    ).order_by("-completed_at", "-id")


@dataclass
class AssignedItem:
    item: PlanItem
    done: bool
    overdue: bool


def assigned_items_for(*, organization: Organization, membership: Membership) -> list[AssignedItem]:
    """Everything assigned to one member (directly or through a team), soonest due first."""
    items = (
        PlanItem.objects.filter(organization=organization)
        .filter(Q(plan__assignee=membership) | Q(plan__team__members=membership))
        .select_related("resource", "plan")
        .distinct()
        .order_by("due_date", "id")
    )
    done = set(
        ItemCompletion.objects.filter(organization=organization, membership=membership).values_list(
            "item_id", flat=True
        )
    )
    today = timezone.localdate()
    return [
        AssignedItem(item=i, done=i.pk in done, overdue=i.pk not in done and i.due_date < today)
        for i in items
    ]


# ---------------------------------------------------------------- completion


@dataclass
class Progress:
    label: str
    pk: int | None = None
    assigned: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.assigned, 1) if self.assigned else None


@dataclass
class CompletionSummary:
    organization: Progress
    people: list[Progress] = field(default_factory=list)
    teams: list[Progress] = field(default_factory=list)
    plans: dict[int, Progress] = field(default_factory=dict)
    # (plan item id) -> number of assignees who completed it, and how many are assigned
    items: dict[int, Progress] = field(default_factory=dict)


def completion_summary(
    *, organization: Organization, today: date | None = None
) -> CompletionSummary:
    """Completion per person, per team (its team plans), per plan, per item and for the whole
    organization. Five queries whatever the size; only active members count.

    An item of a member's plan is one assignment; an item of a team plan is one assignment for
    each active team member."""
    today = today or timezone.localdate()
    people = {m.pk: m for m in member_choices(organization=organization)}
    teams = {t.pk: t for t in Team.objects.filter(organization=organization).order_by("name")}
    team_members_map: dict[int, set[int]] = defaultdict(set)
    for team_id, membership_id in Team.members.through.objects.filter(
        team__organization=organization
    ).values_list("team_id", "membership_id"):
        if membership_id in people:
            team_members_map[team_id].add(membership_id)
    done = set(
        ItemCompletion.objects.filter(organization=organization).values_list(
            "item_id", "membership_id"
        )
    )
    items = PlanItem.objects.filter(organization=organization).values_list(
        "id", "plan_id", "plan__assignee_id", "plan__team_id", "due_date"
    )

    summary = CompletionSummary(organization=Progress(label=organization.name))
    by_person = {pk: Progress(label=m.user.display_name, pk=pk) for pk, m in people.items()}
    by_team = {pk: Progress(label=t.name, pk=pk) for pk, t in teams.items()}
    for item_id, plan_id, assignee_id, team_id, due_date in items:
        assignees = {assignee_id} & people.keys() if assignee_id else team_members_map[team_id]
        plan_progress = summary.plans.setdefault(plan_id, Progress(label="", pk=plan_id))
        item_progress = summary.items.setdefault(item_id, Progress(label="", pk=item_id))
        for person in assignees:
            is_done = (item_id, person) in done
            is_overdue = not is_done and due_date < today
            targets = [summary.organization, by_person[person], plan_progress, item_progress]
            if team_id:
                targets.append(by_team[team_id])
            for progress in targets:
                progress.assigned += 1
                progress.done += is_done
                progress.overdue += is_overdue
    summary.people = sorted(by_person.values(), key=lambda p: p.label.lower())
    summary.teams = list(by_team.values())
    return summary


# ---------------------------------------------------------------- sessions


def session_list(
    *,
    organization: Organization,
    q: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    attendee: Membership | None = None,
) -> QuerySet[LearningSession]:
    sessions = LearningSession.objects.filter(organization=organization)
    if q:
        sessions = sessions.filter(Q(topic__icontains=q) | Q(notes__icontains=q))
    if date_from:
        sessions = sessions.filter(date__gte=date_from)
    if date_to:
        sessions = sessions.filter(date__lte=date_to)
    if attendee is not None:
        sessions = sessions.filter(attendees=attendee)
    return sessions.annotate(
        attendee_count=Count("attendees", distinct=True),
        resource_count=Count("resources", distinct=True),
    ).order_by("-date", "-id")


def session_reflection_list(
    *, session: LearningSession, viewer: Membership
) -> QuerySet[SessionReflection]:
    reflections = SessionReflection.objects.filter(
        organization=session.organization, session=session
    ).select_related("author__user")
    if not can_read_all_reflections(viewer):
        reflections = reflections.filter(author=viewer)
    return _with_visible_reflection(reflections, viewer=viewer, author="author_id", text="text")
