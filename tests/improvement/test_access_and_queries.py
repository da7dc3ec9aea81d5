"""Permissions per role (DESIGN §3), cross-organization 404s on real objects, and bounded query
counts on Improve's pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from equity_portal.core.roles import Role
from improvement.models import Campaign, PDSACycle

from .conftest import url
from .factories import CampaignFactory, PDSACycleFactory, make_goal, screening_extract

pytestmark = pytest.mark.django_db

ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_views_creates_campaigns_and_records_pdsa(member_client, org, role):
    client = member_client(org, role)
    assert client.get(url("index", org)).status_code == 200
    created = client.post(
        url("campaign_create", org),
        {
            "name": f"Campaign of a {role}",
            "owner": client.membership.pk,
            "status": "planned",
            "start_date": "2024-06-01",
        },
    )
    assert created.status_code == 302
    campaign = Campaign.objects.get(name=f"Campaign of a {role}")
    recorded = client.post(
        url("cycle_create", org, pk=campaign.pk),
        {"change_idea": "Idea", "question": "Q?", "start_date": "2024-07-01"},
    )
    assert recorded.status_code == 302 and PDSACycle.objects.filter(campaign=campaign).exists()


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(url("index", org))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_organizations_objects_are_404(member_client, org, other_org):
    screening_extract(other_org)
    goal = make_goal(other_org)
    campaign = CampaignFactory(organization=other_org)
    campaign.goals.add(goal)
    cycle = PDSACycleFactory(campaign=campaign)
    client = member_client(org, Role.ADMIN)
    gets = [
        url("campaign_detail", org, pk=campaign.pk),
        url("campaign_edit", org, pk=campaign.pk),
        url("campaign_summary", org, pk=campaign.pk),
        url("campaign_cycles_csv", org, pk=campaign.pk),
        url("cycle_create", org, pk=campaign.pk),
        url("cycle_detail", org, pk=cycle.pk),
        url("cycle_edit", org, pk=cycle.pk),
        url("goal_detail", org, pk=goal.pk),
        url("goal_chart_csv", org, pk=goal.pk),
    ]
    for path in gets:
        assert client.get(path).status_code == 404, path
    for path in (url("goal_rebaseline", org, pk=goal.pk), url("goal_respond", org, pk=goal.pk)):
        assert client.post(path, {"reason": "x"}).status_code == 404, path
    # and the other organization's goal is not offered when creating a campaign here
    assert goal.title not in client.get(url("campaign_create", org)).content.decode()
    assert goal.title not in client.get(url("goal_list_csv", org)).content.decode()
    assert client.get(url("index", other_org)).status_code == 404


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_campaign_list_queries_do_not_grow_with_rows(member_client, org):
    client = member_client(org, Role.CHAMPION)
    CampaignFactory(organization=org)
    one = _count(client, url("index", org))
    for _ in range(9):
        PDSACycleFactory(campaign=CampaignFactory(organization=org))
    assert _count(client, url("index", org)) == one


def test_goal_pages_queries_do_not_grow_with_cycles(member_client, org, screening):
    client = member_client(org, Role.CHAMPION)
    goal = make_goal(org)
    campaign = CampaignFactory(organization=org)
    campaign.goals.add(goal)
    PDSACycleFactory(campaign=campaign)
    paths = [
        url("goal_detail", org, pk=goal.pk),
        url("campaign_detail", org, pk=campaign.pk),
        url("campaign_summary", org, pk=campaign.pk),
        url("goal_list", org),
        url("goal_chart_csv", org, pk=goal.pk),
    ]
    before = [_count(client, p) for p in paths]
    for _ in range(8):
        PDSACycleFactory(campaign=campaign)
    after = [_count(client, p) for p in paths]
    assert after == before
    assert max(after) <= 25
