"""seed_demo's Improve content: an active campaign on the demo charter's goal with three PDSA
cycles dated inside the extract's periods, so the goal's charts show annotations and a
verdict. Idempotent; waits (returns False) while the demo charter is not there."""

import pytest

from equity_portal.core.roles import Role
from improvement import demo
from improvement.models import Campaign, PDSACycle

from .conftest import url
from .factories import QUARTERS, CharterFactory, make_goal, screening_extract

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org(make_member):
    from tests.factories import OrganizationFactory

    organization = OrganizationFactory(slug="demo", name="Demo Health")
    for role in Role:
        make_member(organization, role)
    return organization


def test_waits_for_the_demo_charter_then_seeds_once(demo_org, member_client):
    assert demo.improvement_demo_seed(organization=demo_org) is False
    assert not Campaign.objects.exists()
    screening_extract(demo_org)
    charter = CharterFactory(organization=demo_org, title=demo.DEMO_CHARTER)
    goal = make_goal(demo_org, charter=charter, baseline_period=QUARTERS[5])
    demo.seed_demo_improvement(None, organization=demo_org, users={"x": 1})
    demo.seed_demo_improvement(None, organization=demo_org, users={"x": 1})
    campaign = Campaign.objects.get()
    assert campaign.status == "active" and list(campaign.goals.all()) == [goal]
    cycles = list(PDSACycle.objects.filter(campaign=campaign).order_by("number"))
    assert [c.number for c in cycles] == [1, 2, 3]
    # inside the extract's periods, after the baseline period
    assert all(QUARTERS[8] < c.start_date < QUARTERS[-1].replace(month=12, day=31) for c in cycles)
    client = member_client(demo_org, Role.LEADER)
    html = client.get(url("goal_detail", demo_org, pk=goal.pk)).content.decode()
    assert "Narrowing" in html and "PDSA 3" in html
    assert "Reminder calls in the patient" in html


def test_a_goal_can_take_its_baseline_from_an_earlier_period(demo_org):
    """Vision's goal_create(baseline_period=...) (used by the demo, so its campaign has
    follow-up periods to chart and a verdict) snapshots that period, not the latest."""
    from equity_portal.core.models import Membership
    from vision import services as vision_services
    from vision.models import PriorityInequity

    screening_extract(demo_org)
    member = Membership.objects.filter(organization=demo_org, role=Role.LEADER).first()
    priority = PriorityInequity.objects.create(
        organization=demo_org,
        measure="screen",
        dimension="race_ethnicity",
        group="Black or African American",
        reference_group="White",
        status="adopted",
    )
    charter = CharterFactory(organization=demo_org, status="draft")
    goal = vision_services.goal_create(
        charter=charter,
        actor=member.user,
        priority=priority,
        title="Halve the gap",
        aim="difference",
        target_value=0.1,
        target_date=QUARTERS[-1].replace(year=2027),
        baseline_period=QUARTERS[5],
    )
    assert goal.baseline_period_start == QUARTERS[5] and goal.baseline_rate == 100 / 200
