"""Demo content for `manage.py seed_demo` (organization `demo` only, idempotent): an approved
vision, a team, community partners, two adopted priority inequities taken from the demo
extract's disparities, one approved charter whose goal's baseline came from the demo data and
one submitted charter waiting for the leader.

The demo extract is processed by the worker, possibly after seeding. What needs no data is
seeded at once; the rest waits for published results: if there are none yet, a task
(tasks.complete_demo_vision) retries until the worker has processed the extract. Running
seed_demo again completes it too.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django_scopes import scope

from data_hub import api
from equity_portal.core import teams
from equity_portal.core.models import Membership, Organization, Team, User
from equity_portal.core.roles import Role

from . import services
from .models import (
    Charter,
    CommunityPartner,
    PartnerKind,
    PriorityInequity,
    PriorityStatus,
    VisionStatement,
)

DEMO_SLUG = "demo"
DEMO_TEAM = "Screening equity team"
APPROVED_CHARTER = "Close the screening gap"
SUBMITTED_CHARTER = "Equal access across languages"
VISION_TEXT = (
    "Every patient we serve gets the same high-quality, respectful care, whatever their race, "
    "ethnicity, language or income. We measure our care by group, we act where the data and our "
    "communities show gaps, and we hold ourselves to closing them."
)
PARTNERS = [
    (
        "Eastside Community Health Alliance",
        PartnerKind.COMMUNITY_ORGANIZATION,
        "Jordan Rivera",
        "Runs outreach and navigation in the neighborhoods with the lowest screening rates.",
    ),
    (
        "County Health Department",
        PartnerKind.HEALTH_DEPARTMENT,
        "Sam Lee",
        "Shares community health needs data and co-hosts screening events.",
    ),
]
PREFERRED_DIMENSIONS = ("race_ethnicity", "language", "race", "ethnicity")


def seed_demo_vision(sender, organization: Organization, users: dict, stdout=None, **kwargs):
    """The demo_organization_seeded receiver."""
    if organization.slug != DEMO_SLUG or not users:
        return
    with scope(organization=organization):
        complete = vision_demo_seed(organization=organization, users=users)
    if complete:
        if stdout is not None:
            stdout.write("  Vision: approved vision, 2 priorities, approved + submitted charter")
        return
    from .tasks import complete_demo_vision

    transaction.on_commit(
        lambda: complete_demo_vision.apply_async(args=[organization.pk], countdown=10)
    )
    if stdout is not None:
        stdout.write("  Vision: vision and team now; priorities and charters once data is ready")


def demo_users(organization: Organization) -> dict[str, User]:
    return {
        m.role: m.user
        for m in Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("pk")
    }


def _members(organization: Organization, users: dict) -> dict[str, Membership]:
    found = Membership.objects.filter(
        organization=organization, user__in=list(users.values()), is_active=True
    ).select_related("user")
    return {m.role: m for m in found}


def _pick_disparities(organization: Organization) -> list:
    """Two disparities of the demo data, from different measures, simple dimensions first."""
    found = api.disparities(organization, order="size")
    ranked = sorted(
        found,
        key=lambda d: (
            PREFERRED_DIMENSIONS.index(d.key.dimension)
            if d.key.dimension in PREFERRED_DIMENSIONS
            else len(PREFERRED_DIMENSIONS)
        ),
    )
    usable = [d for d in ranked if d.difference is not None]
    picked, measures = [], set()
    for d in usable:  # different measures first, then any other disparity
        if d.key.measure not in measures and len(picked) < 2:
            picked.append(d)
            measures.add(d.key.measure)
    for d in usable:
        if d not in picked and len(picked) < 2:
            picked.append(d)
    return picked


@transaction.atomic
def vision_demo_seed(*, organization: Organization, users: dict) -> bool:
    """Seed what is missing; True when everything is there (False: waiting for data)."""
    members = _members(organization, users)
    leader = members.get(Role.LEADER) or members.get(Role.ADMIN)
    champion = members.get(Role.CHAMPION) or leader
    if leader is None or champion is None:
        return True  # nobody to approve: nothing to seed
    leader_user, author = leader.user, champion.user

    if not VisionStatement.objects.filter(organization=organization).exists():
        statement = services.vision_statement_create(
            organization=organization, actor=author, text=VISION_TEXT
        )
        services.vision_statement_submit(statement=statement, actor=author)
        services.vision_statement_approve(
            statement=statement, actor=leader_user, comment="Adopted by the leadership team."
        )

    team = Team.objects.filter(organization=organization, name=DEMO_TEAM).first()
    if team is None:
        team = teams.team_create(
            organization=organization,
            actor=leader_user,
            name=DEMO_TEAM,
            members=list(members.values()),
            executive_sponsor=leader,
            lead=champion,
        )
    partners = []
    for name, kind, contact, description in PARTNERS:
        partner = CommunityPartner.objects.filter(organization=organization, name=name).first()
        if partner is None:
            partner = services.partner_create(
                organization=organization,
                actor=author,
                name=name,
                kind=kind,
                contact_name=contact,
                description=description,
            )
        partners.append(partner)

    priorities = list(
        PriorityInequity.objects.filter(
            organization=organization, status=PriorityStatus.ADOPTED
        ).order_by("pk")[:2]
    )
    if len(priorities) < 2:
        picked = _pick_disparities(organization)
        if len(picked) < 2:
            return False  # the demo extract is not processed yet
        for d in picked:
            existing = PriorityInequity.objects.filter(
                organization=organization,
                measure=d.key.measure,
                dimension=d.key.dimension,
                group=d.key.group,
            ).exclude(status=PriorityStatus.RETIRED)
            if existing.exists():
                continue
            priority = services.priority_create(
                organization=organization,
                actor=leader_user,
                measure=d.key.measure,
                dimension=d.key.dimension,
                group=d.key.group,
                reference_group=d.reference_group,
                rationale="One of the largest significant gaps in the demo data; the community "
                "partners named it in the listening sessions.",
            )
            services.priority_set_status(
                priority=priority, actor=leader_user, status=PriorityStatus.ADOPTED
            )
            priorities.append(priority)
        priorities = priorities[:2]

    target_date = date(timezone.localdate().year + 2, 12, 31)
    if not Charter.objects.filter(organization=organization, title=APPROVED_CHARTER).exists():
        charter = _demo_charter(organization, author, team, APPROVED_CHARTER, priorities[0])
        services.charter_partner_set(
            charter=charter,
            actor=author,
            partner=partners[0],
            role="Patient navigators; co-design of outreach.",
        )
        _demo_goal(charter, author, priorities[0], target_date, earlier_baseline=True)
        services.charter_submit(charter=charter, actor=author)
        services.charter_approve(
            charter=charter, actor=leader_user, comment="Approved: report progress quarterly."
        )
    if not Charter.objects.filter(organization=organization, title=SUBMITTED_CHARTER).exists():
        charter = _demo_charter(organization, author, team, SUBMITTED_CHARTER, priorities[1])
        _demo_goal(charter, author, priorities[1], target_date)
        services.charter_submit(charter=charter, actor=author)
    return True


def _demo_charter(organization, author, team, title, priority) -> Charter:
    charter = services.charter_create(
        organization=organization,
        actor=author,
        title=title,
        team=team,
        problem_statement=(
            f"{priority.group} patients fare worse than {priority.reference_group} patients on "
            f"{priority.measure_name} ({priority.dimension_label})."
        ),
        global_aim="Equal results for every group we serve on this measure.",
        scope_in="All primary care sites.",
        scope_out="Specialty clinics.",
        population_of_focus=f"{priority.group} patients.",
        patient_family_voice="Two patient advisors from the population of focus join the team.",
        change_ideas="Reminder calls in the patient's language; navigators; evening hours.",
        risks="Staff time; small numbers at some sites.",
    )
    services.charter_measure_add(
        charter=charter,
        actor=author,
        kind="process",
        name="Reminder calls made",
        numerator="Patients due who received a reminder call",
        denominator="Patients due",
        source="EHR outreach log",
        frequency="Monthly",
    )
    services.charter_measure_add(
        charter=charter,
        actor=author,
        kind="balancing",
        name="Appointment wait time",
        numerator="Days to the third next available appointment",
        denominator="Sites",
        source="Scheduling system",
        frequency="Monthly",
    )
    services.charter_milestone_add(
        charter=charter,
        actor=author,
        title="First PDSA cycle completed",
        due_date=timezone.localdate().replace(day=1),
    )
    return charter


def _demo_goal(charter, author, priority, target_date, *, earlier_baseline=False):
    snapshot_gap = priority.snapshot.get("difference")
    target = round(max(snapshot_gap / 2, 0.01), 4) if snapshot_gap else 0.02
    baseline_period = None
    if earlier_baseline:
        # The approved charter's baseline is a year before the latest data, so Improve's demo
        # campaign has follow-up periods to chart and a verdict on the gap.
        starts = [
            p.period_start
            for p in api.measure_series(
                charter.organization,
                priority.measure,
                priority.dimension,
                priority.group,
                priority.reference_group,
            ).points
        ]
        baseline_period = starts[-5] if len(starts) >= 6 else None
    return services.goal_create(
        charter=charter,
        actor=author,
        priority=priority,
        title=f"Halve the gap for {priority.group} on {priority.measure_name}",
        aim="difference",
        target_value=target,
        target_date=target_date,
        baseline_period=baseline_period,
    )
