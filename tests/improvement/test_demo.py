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
