"""Reads of the Vision step, shared by views, exports, the home page and the overview (h14).
Selectors take the organization explicitly; the data hub is read through `data_hub.api` only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string

from data_hub import api
from equity_portal.core import revision as content_revision
from equity_portal.core.models import AuditEvent, Membership, Organization, Team
from equity_portal.core.roles import Capability
from equity_portal.core.teams import team_list as core_team_list

from . import smart
from .models import (
    Charter,
    CharterGoal,
    CommunityPartner,
    PriorityInequity,
    PriorityStatus,
    ReviewStatus,
    VisionStatement,
)

# The toolkit: focus on a few actionable inequities. More adopted than this gets a warning.
FEW_PRIORITIES = 5

GOAL_CSV_COLUMNS = [
    "charter",
    "charter_status",
    "goal",
    "measure",
    "dimension",
    "group",
    "reference_group",
    "aim",
    "baseline_period_start",
    "baseline_period_label",
    "baseline_extract",
    "baseline_numerator",
    "baseline_denominator",
    "baseline_rate",
    "baseline_rate_lower",
    "baseline_rate_upper",
    "baseline_reference_rate",
    "baseline_difference",
    "target_value",
    "target_date",
]


# ---------------------------------------------------------------- vision statement


def approved_vision(organization: Organization) -> VisionStatement | None:
    """The organization's vision: the approved version with the highest number, or None."""
    return (
        VisionStatement.objects.filter(organization=organization, status=ReviewStatus.APPROVED)
        .select_related("decided_by")
        .order_by("-version")
        .first()
    )


def vision_statement_list(*, organization: Organization) -> QuerySet[VisionStatement]:
    return VisionStatement.objects.filter(organization=organization).select_related(
        "created_by", "submitted_by", "decided_by"
    )


def open_vision_statement(*, organization: Organization) -> VisionStatement | None:
    return (
        vision_statement_list(organization=organization)
        .exclude(status=ReviewStatus.APPROVED)
        .first()
    )


# ---------------------------------------------------------------- priorities


def priority_list(
    *, organization: Organization, status: str | None = None, q: str | None = None
) -> QuerySet[PriorityInequity]:
    rows = PriorityInequity.objects.filter(organization=organization).select_related("chosen_by")
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(
            Q(measure_name__icontains=q)
            | Q(measure__icontains=q)
            | Q(group__icontains=q)
            | Q(dimension_label__icontains=q)
            | Q(rationale__icontains=q)
        )
    return rows.annotate(goal_count=Count("goals", distinct=True)).order_by(
        "status", "-chosen_at", "-id"
    )


def adopted_priority_count(*, organization: Organization) -> int:
    return PriorityInequity.objects.filter(
        organization=organization, status=PriorityStatus.ADOPTED
    ).count()


def priority_choices(*, organization: Organization) -> QuerySet[PriorityInequity]:
    """Priorities a goal can be linked to (not retired)."""
    return (
        PriorityInequity.objects.filter(organization=organization)
        .exclude(status=PriorityStatus.RETIRED)
        .order_by("measure_name", "group")
    )


def find_live_priority(
    *, organization: Organization, measure: str, dimension: str, group: str
) -> PriorityInequity | None:
    return (
        PriorityInequity.objects.filter(
            organization=organization, measure=measure, dimension=dimension, group=group
        )
        .exclude(status=PriorityStatus.RETIRED)
        .first()
    )


@dataclass(frozen=True)
class TodayGap:
    period_label: str
    rate: float | None
    reference_rate: float | None
    difference: float | None
    ratio: float | None
    suppressed: bool


def today_gaps(
    organization: Organization, priorities: list[PriorityInequity]
) -> dict[int, TodayGap | None]:
    """Today's gap of each priority against its own reference group: one read per distinct
    measure x dimension (the latest table), a series only for a priority whose reference group
    is no longer the table's."""
    tables: dict[tuple[str, str], api.GroupTable | None] = {}
    gaps: dict[int, TodayGap | None] = {}
    for p in priorities:
        pair = (p.measure, p.dimension)
        if pair not in tables:
            tables[pair] = api.group_results(organization, p.measure, p.dimension)
        table = tables[pair]
        row = table.row(p.group) if table is not None else None
        if row is not None and (row.reference_group or table.reference_group) == p.reference_group:
            reference_row = table.row(p.reference_group)
            gaps[p.pk] = TodayGap(
                period_label=table.period_label,
                rate=row.rate,
                reference_rate=reference_row.rate if reference_row is not None else None,
                difference=row.difference,
                ratio=row.ratio,
                suppressed=row.suppressed,
            )
            continue
        snapshot = api.baseline_snapshot(
            organization, p.measure, p.dimension, p.group, p.reference_group
        )
        gaps[p.pk] = (
            TodayGap(
                period_label=snapshot.period_label,
                rate=snapshot.rate,
                reference_rate=snapshot.reference_rate,
                difference=snapshot.difference,
                ratio=snapshot.ratio,
                suppressed=snapshot.suppressed or snapshot.reference_suppressed,
            )
            if snapshot is not None
            else None
        )
    return gaps


@dataclass(frozen=True)
class PriorityPreview:
    """What the 'Make this a priority' page shows before anything is stored."""

    measure_name: str
    dimension_label: str
    period_label: str
    group: str
    reference_group: str
    direction: str
    suppressed: bool
    rate: float | None
    reference_rate: float | None
    difference: float | None
    difference_lower: float | None
    difference_upper: float | None
    ratio: float | None
    significant: bool | None
    provenance: str


def priority_preview(
    organization: Organization, measure: str, dimension: str, group: str, reference: str = ""
) -> PriorityPreview | None:
    table = api.group_results(organization, measure, dimension)
    row = table.row(group) if table is not None else None
    if row is None:
        return None
    reference_group = reference or row.reference_group or table.reference_group or ""
    ref_row = table.row(reference_group)
    same_reference = reference_group == (row.reference_group or table.reference_group)
    return PriorityPreview(
        measure_name=table.measure_name,
        dimension_label=table.dimension_label,
        period_label=table.period_label,
        group=group,
        reference_group=reference_group,
        direction=table.direction,
        suppressed=row.suppressed,
        rate=row.rate,
        reference_rate=ref_row.rate if ref_row is not None else None,
        difference=row.difference if same_reference else None,
        difference_lower=row.difference_lower if same_reference else None,
        difference_upper=row.difference_upper if same_reference else None,
        ratio=row.ratio if same_reference else None,
        significant=row.significant if same_reference else None,
        provenance=table.provenance.as_text(),
    )


def explorer_link(organization: Organization, measure: str, dimension: str, group: str) -> str:
    return api.explorer_url(organization, measure, dimension, group)


# ---------------------------------------------------------------- teams


def team_list(*, organization: Organization, q: str | None = None) -> QuerySet[Team]:
    return core_team_list(organization=organization, q=q).annotate(
        charter_count=Count(
            "charters", filter=Q(charters__superseded_at__isnull=True), distinct=True
        )
    )


def sponsor_choices(*, organization: Organization) -> list[Membership]:
    """Active members who may sponsor (leaders and administrators)."""
    members = Membership.objects.filter(organization=organization, is_active=True).select_related(
        "user"
    )
    return [m for m in members.order_by("user__email") if m.can(Capability.APPROVE)]


def member_choices(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


# ---------------------------------------------------------------- charters and goals


def charter_list(
    *,
    organization: Organization,
    status: str | None = None,
    team: Team | None = None,
    q: str | None = None,
    include_superseded: bool = False,
) -> QuerySet[Charter]:
    rows = Charter.objects.filter(organization=organization)
    if not include_superseded:
        rows = rows.filter(superseded_at__isnull=True)
    if status:
        rows = rows.filter(status=status)
    if team is not None:
        rows = rows.filter(team=team)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(problem_statement__icontains=q))
    return (
        rows.select_related("team", "sponsor__user", "lead__user")
        .annotate(goal_count=Count("goals", distinct=True))
        .order_by("title", "-revision", "id")
    )


def charters_waiting_for_approval(*, organization: Organization) -> QuerySet[Charter]:
    return charter_list(organization=organization, status=ReviewStatus.SUBMITTED)


def charter_detail(*, charter: Charter) -> dict:
    """Everything the charter page shows, in a fixed number of queries."""
    goals = list(charter.goals.select_related("priority", "owner__user").order_by("id"))
    return {
        "goals": goals,
        "warnings": {g.pk: goal_warnings(g) for g in goals},
        "measures": list(charter.measures.all()),
        "milestones": list(charter.milestones.all()),
        "partner_roles": list(charter.partner_roles.select_related("partner")),
        "revisions": list(
            Charter.objects.filter(organization=charter.organization, lineage=charter.lineage)
            .only("id", "revision", "status", "superseded_at")
            .order_by("revision")
        ),
        "history": charter_history(charter=charter),
    }


def charter_history(*, charter: Charter) -> QuerySet[AuditEvent]:
    """Every audited transition and change of every revision of this charter, newest first."""
    ids = [
        str(pk)
        for pk in Charter.objects.filter(
            organization=charter.organization, lineage=charter.lineage
        ).values_list("pk", flat=True)
    ]
    return AuditEvent.objects.filter(
        organization=charter.organization, object_type="vision.charter", object_id__in=ids
    ).select_related("actor")


def goal_warnings(goal: CharterGoal) -> list[smart.SmartWarning]:
    return smart.smart_warnings(
        aim=goal.aim,
        target_value=goal.target_value,
        direction=goal.direction,
        baseline=goal.baseline,
        best_rate=goal.baseline_best_rate,
        best_group=goal.baseline_best_group,
    )


def goal_list(
    *, organization: Organization, include_superseded: bool = False
) -> QuerySet[CharterGoal]:
    goals = CharterGoal.objects.filter(organization=organization)
    if not include_superseded:
        goals = goals.filter(charter__superseded_at__isnull=True)
    return goals.select_related("charter", "priority", "owner__user").order_by(
        "charter__title", "charter__revision", "id"
    )


def current_goal(goal: CharterGoal) -> CharterGoal:
    """The goal as it stands in the charter's newest approved, current revision (same lineage);
    the goal itself when no approved revision carries it."""
    current = (
        CharterGoal.objects.filter(
            organization=goal.organization,
            lineage=goal.lineage,
            charter__status=ReviewStatus.APPROVED,
            charter__superseded_at__isnull=True,
        )
        .select_related("charter")
        .first()
    )
    return current or goal


def goal_csv_rows(*, organization: Organization):
    """One row per goal of the current charters, columns GOAL_CSV_COLUMNS (issue 12 item 10):
    codes as the results export writes them, rates as proportions at full precision, numbers
    empty when the baseline is suppressed."""
    for g in goal_list(organization=organization):
        yield [
            g.charter.title,
            g.charter.status,
            g.title,
            g.measure,
            g.dimension,
            g.group,
            g.reference_group,
            g.aim,
            g.baseline_period_start.isoformat() if g.baseline_period_start else "",
            g.baseline_period_label,
            g.baseline_extract_id,
            g.baseline_numerator,
            g.baseline_denominator,
            g.baseline_rate,
            g.baseline_rate_lower,
            g.baseline_rate_upper,
            g.baseline_reference_rate,
            g.baseline_difference,
            g.target_value,
            g.target_date.isoformat(),
        ]


# ---------------------------------------------------------------- community partners


def partner_list(
    *, organization: Organization, kind: str | None = None, q: str | None = None
) -> QuerySet[CommunityPartner]:
    rows = CommunityPartner.objects.filter(organization=organization)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(
            Q(name__icontains=q) | Q(contact_name__icontains=q) | Q(description__icontains=q)
        )
    return rows.annotate(
        charter_count=Count(
            "charter_roles",
            filter=Q(charter_roles__charter__superseded_at__isnull=True),
            distinct=True,
        )
    ).order_by("name", "id")


def partner_charters(*, partner: CommunityPartner):
    return partner.charter_roles.filter(charter__superseded_at__isnull=True).select_related(
        "charter"
    )


# ---------------------------------------------------------------- the landing page


def vision_summary(*, organization: Organization) -> dict:
    return {
        "vision": approved_vision(organization),
        "open_statement": open_vision_statement(organization=organization),
        "adopted": adopted_priority_count(organization=organization),
        "proposed": PriorityInequity.objects.filter(
            organization=organization, status=PriorityStatus.PROPOSED
        ).count(),
        "charters": charter_list(organization=organization).count(),
        "waiting": charters_waiting_for_approval(organization=organization).count(),
        "teams": Team.objects.filter(organization=organization).count(),
        "partners": CommunityPartner.objects.filter(organization=organization).count(),
        "few": FEW_PRIORITIES,
    }


def home_panel(request) -> str:
    """The approved vision on the organization's home page (registered with the core)."""
    organization = request.organization
    vision = content_revision.memoized(
        "vision.home", organization, (), lambda: approved_vision(organization)
    )
    if vision is None:
        return ""
    return render_to_string("vision/_home_vision.html", {"vision": vision}, request=request)
