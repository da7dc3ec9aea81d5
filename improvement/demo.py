"""Demo content for `manage.py seed_demo` (organization `demo` only, idempotent): an active
campaign on the goal of the demo's approved charter, with three PDSA cycles dated inside the
demo extract's periods, so the goal's charts show annotations and a verdict.

The demo charter is finished by Vision once the worker has processed the demo extract: if it
is not there yet, a task (tasks.complete_demo_improvement) retries until it is. Running
seed_demo again completes it too.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django_scopes import scope

from data_hub import api
from equity_portal.core.models import Membership, Organization
from equity_portal.core.roles import Role
from vision.models import CharterGoal, ReviewStatus

from . import services
from .models import Campaign

DEMO_SLUG = "demo"
DEMO_CHARTER = "Close the screening gap"  # vision/demo.py's approved charter
DEMO_CAMPAIGN = "Screening outreach in patients' languages"
CYCLES = [
    {
        "change_idea": "Reminder calls in the patient's language",
        "question": "Do reminder calls in the patient's language bring more patients in to be "
        "screened?",
        "prediction": "Screening in the focus group rises by 5 points within a quarter.",
        "plan_who": "Two bilingual medical assistants",
        "plan_when": "First month of the quarter",
        "plan_where": "Eastside clinic",
        "plan_data": "Calls made, patients reached, screenings completed, by group",
        "what_happened": "Calls reached six in ten patients due; many asked for evening slots.",
        "problems": "Phone numbers out of date for a third of patients.",
        "study": "Screening rose less than predicted; reach was the limit, not willingness.",
        "decision": "adapt",
        "next_test": "Update contact details at check-in, then call again.",
    },
    {
        "change_idea": "Update contact details at every check-in",
        "question": "Does checking contact details at check-in raise the share of patients we "
        "reach?",
        "prediction": "Reach rises from 60% to 80%.",
        "plan_who": "Front desk staff",
        "plan_when": "Every visit for one quarter",
        "plan_where": "Eastside and Northside clinics",
        "plan_data": "Share of due patients reached by phone, by group",
        "what_happened": "Front desk updated most records; reach improved.",
        "problems": "Busy mornings: checks skipped.",
        "study": "Reach rose to 78%, close to the prediction.",
        "decision": "adopt",
        "next_test": "Offer evening screening slots to the patients reached.",
    },
    {
        "change_idea": "Evening screening hours",
        "question": "Do evening hours let working patients get screened?",
        "prediction": "A third of evening slots go to the focus group.",
        "plan_who": "Nurse team lead",
        "plan_when": "Two evenings a week",
        "plan_where": "Eastside clinic",
        "plan_data": "Evening screenings by group; no-shows",
        "what_happened": "Evening slots filled within two weeks.",
        "problems": "",
        "study": "",
        "decision": "",
        "next_test": "",
    },
]


def demo_goal(organization: Organization) -> CharterGoal | None:
    return (
        CharterGoal.objects.filter(
            organization=organization,
            charter__title=DEMO_CHARTER,
            charter__status=ReviewStatus.APPROVED,
            charter__superseded_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


def _cycle_dates(goal: CharterGoal) -> list:
    """Three dates inside the extract's periods: in the periods after the goal's baseline when
    there are some, else in the last three periods."""
    series = api.measure_series(
        goal.organization, goal.measure, goal.dimension, goal.group, goal.reference_group
    )
    starts = [p.period_start for p in series.points]
    if not starts:
        return []
    after = [s for s in starts if goal.baseline_period_start and s > goal.baseline_period_start]
    chosen = (after or starts)[-3:]
    while len(chosen) < 3:
        chosen = [chosen[0], *chosen]
    return [start + timedelta(days=14 + 21 * i) for i, start in enumerate(chosen)]


@transaction.atomic
def improvement_demo_seed(*, organization: Organization) -> bool:
    """Seed the demo campaign; True when done or nothing to do, False while waiting for the
    demo charter's goal."""
    if Campaign.objects.filter(organization=organization, name=DEMO_CAMPAIGN).exists():
        return True
    goal = demo_goal(organization)
    if goal is None:
        return False
    members = {
        m.role: m
        for m in Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("pk")
    }
    champion = members.get(Role.CHAMPION) or next(iter(members.values()), None)
    if champion is None:
        return True
    dates = _cycle_dates(goal)
    if not dates:
        return False
    campaign = services.campaign_create(
        organization=organization,
        actor=champion.user,
        name=DEMO_CAMPAIGN,
        owner=champion,
        start_date=dates[0] - timedelta(days=7),
        status=Campaign.Status.ACTIVE,
        aim=goal.title,
        change_ideas=goal.charter.change_ideas.replace("; ", "\n").rstrip("."),
        lessons="Reach comes before reminders: fix contact details first.",
        goals=[goal],
    )
    for cycle, start in zip(CYCLES, dates, strict=True):
        services.pdsa_cycle_create(
            campaign=campaign,
            actor=champion.user,
            start_date=start,
            end_date=start + timedelta(days=28) if cycle["decision"] else None,
            **cycle,
        )
    return True


def seed_demo_improvement(sender, organization: Organization, users: dict, stdout=None, **kw):
    """The demo_organization_seeded receiver."""
    if organization.slug != DEMO_SLUG or not users:
        return
    with scope(organization=organization):
        done = improvement_demo_seed(organization=organization)
    if done:
        if stdout is not None:
            stdout.write("  Improve: an active campaign with three PDSA cycles on the demo goal")
        return
    from .tasks import complete_demo_improvement

    transaction.on_commit(
        lambda: complete_demo_improvement.apply_async(args=[organization.pk], countdown=20)
    )
    if stdout is not None:
        stdout.write("  Improve: the demo campaign follows once the demo charter is approved")
