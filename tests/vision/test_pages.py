"""The Vision pages: "Make this a priority" from the disparities list and the explorer, the
priorities list (warning past a few adopted, gap when chosen beside today's, link back to the
explorer), a charter with a goal from the browserless forms, empty states, glossary links, the
navigation item and the approved vision on the home page."""

import re
from datetime import date
from html import unescape
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from tests.vision.conftest import vurl
from tests.vision.factories import (
    BLACK,
    HISPANIC,
    CharterFactory,
    TeamFactory,
    leader_of,
    make_goal,
    make_priority,
)
from vision import services
from vision.models import CharterGoal, PriorityInequity, ReviewStatus, VisionStatement

pytestmark = pytest.mark.django_db


def _priority_links(html: str) -> list[str]:
    """The 'Make this a priority' forms (GET) of a results page, as the URLs they open."""
    links = []
    for action, body in re.findall(
        r'<form method="get" action="([^"]*)"[^>]*data-make-priority>(.*?)</form>', html, re.S
    ):
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', body))
        fields = {k: unescape(v) for k, v in fields.items()}
        links.append(f"{action}?{urlencode(fields)}")
    return links


def test_make_this_a_priority_from_the_disparities_list(org, data, member_client):
    client = member_client(org, Role.LEADER)
    page = client.get(reverse("results:disparities", kwargs={"org_slug": org.slug})).text
    links = _priority_links(page)
    assert links, "each disparity row offers 'Make this a priority'"
    black = next(link for link in links if "group=Black+or" in link)
    assert "measure=screen" in black and "dimension=race_ethnicity" in black

    confirm = client.get(black)
    assert confirm.status_code == 200
    assert "+20.0 pp" in confirm.text and "2025-Q2" in confirm.text
    form = dict(re.findall(r'name="(\w+)" value="([^"]*)"', confirm.text))
    response = client.post(black, {**form, "rationale": "Largest gap; the community named it."})
    priority = PriorityInequity.objects.get(organization=org)
    assert response.url == vurl(org, "priority_detail", pk=priority.pk)
    assert (priority.measure, priority.dimension, priority.group) == (
        "screen",
        "race_ethnicity",
        BLACK,
    )
    assert priority.reference_group == "White" and priority.status == "proposed"
    assert priority.chosen_by == client.user
    assert priority.rationale == "Largest gap; the community named it."
    assert AuditEvent.objects.filter(organization=org, action="priority.create").count() == 1
    # Choosing it again leads to the existing priority.
    again = client.get(black)
    assert again.status_code == 302 and again.url == vurl(org, "priority_detail", pk=priority.pk)


def test_make_this_a_priority_from_the_explorer(org, data, member_client):
    client = member_client(org, Role.CHAMPION)
    url = reverse("results:explorer", kwargs={"org_slug": org.slug})
    page = client.get(url, {"measure": "screen", "dimension": "race_ethnicity"}).text
    links = _priority_links(page)
    groups = {re.search(r"group=([^&]*)", link).group(1) for link in links}
    assert "Black+or+African+American" in groups
    assert "White" not in groups  # not for the reference group itself


def test_priorities_list_warns_past_a_few_adopted(org, data, member_client):
    leader = leader_of(org)
    groups = [BLACK, HISPANIC, "Asian"]
    for group in groups:
        services.priority_set_status(
            priority=make_priority(org, group), actor=leader, status="adopted"
        )
    for group in groups:  # the same groups on the second measure
        priority = make_priority(org, group, measure="readmit")
        services.priority_set_status(priority=priority, actor=leader, status="adopted")
    client = member_client(org, Role.CHAMPION)
    page = client.get(vurl(org, "priority_list")).text
    assert "data-too-many" in page and "6 priorities are adopted" in page
    assert page.count("data-key=") == 6
    assert "highlight=Black" in page  # explorer links
    services.priority_set_status(
        priority=PriorityInequity.objects.filter(organization=org).first(),
        actor=leader,
        status="retired",
    )
    assert "data-too-many" not in client.get(vurl(org, "priority_list")).text
    filtered = client.get(vurl(org, "priority_list"), {"status": "retired"}).text
    assert filtered.count("data-key=") == 1


def test_a_charter_with_a_goal_through_the_forms(org, data, member_client):
    client = member_client(org, Role.CHAMPION)
    team = TeamFactory(organization=org)
    priority = make_priority(org, BLACK)
    response = client.post(
        vurl(org, "charter_create"),
        {
            "title": "Close the screening gap",
            "team": team.pk,
            "problem_statement": "Black patients are screened less.",
            "population_of_focus": "Black adults 50-75",
        },
    )
    charter = team.charters.get()
    assert response.url == vurl(org, "charter_detail", pk=charter.pk)
    response = client.post(
        vurl(org, "goal_create", pk=charter.pk),
        {
            "priority": priority.pk,
            "title": "Gap to 5 points",
            "aim": "difference",
            "target": "5",
            "target_date": "2027-12-31",
            "granularity": "quarter",
        },
    )
    goal = CharterGoal.objects.get(charter=charter)
    assert response.url == vurl(org, "goal_detail", pk=goal.pk)
    assert goal.target_value == 0.05 and goal.target_date == date(2027, 12, 31)
    assert goal.baseline_rate == 0.55
    page = client.get(vurl(org, "charter_detail", pk=charter.pk)).text
    assert "55.0%" in page and "Gap to 5 points" in page  # the baseline beside the problem
    client.post(
        vurl(org, "charter_measure_add", pk=charter.pk),
        {
            "kind": "balancing",
            "name": "Wait time",
            "numerator": "days",
            "denominator": "visits",
            "source": "EHR",
            "frequency": "Monthly",
        },
    )
    client.post(
        vurl(org, "charter_milestone_add", pk=charter.pk),
        {"title": "First PDSA", "due_date": "2027-01-31"},
    )
    assert charter.measures.get().name == "Wait time" and charter.milestones.count() == 1
    client.post(vurl(org, "charter_submit", pk=charter.pk))
    charter.refresh_from_db()
    assert charter.status == ReviewStatus.SUBMITTED


@pytest.mark.parametrize(
    "name,text",
    [
        ("priority_list", "No priority inequities yet"),
        ("team_list", "No teams yet"),
        ("charter_list", "No charters yet"),
        ("partner_list", "No community partners yet"),
        ("statement", "No approved vision yet"),
        ("index", "No priorities yet"),
    ],
)
def test_empty_states_say_what_to_do_first(name, text, org, member_client):
    page = member_client(org, Role.CHAMPION).get(vurl(org, name)).text
    assert 'class="empty-state"' in page and text in page


@pytest.mark.parametrize(
    "name,slug",
    [
        ("index", "smart-goal"),
        ("charter_list", "project-charter"),
        ("priority_list", "priority-inequity"),
    ],
)
def test_pages_link_their_terms_to_the_glossary(name, slug, org, member_client):
    page = member_client(org, Role.CHAMPION).get(vurl(org, name)).text
    href = reverse("learning:glossary_term", kwargs={"org_slug": org.slug, "slug": slug})
    assert f'class="glossary-link" href="{href}"' in page


def test_the_navigation_links_to_vision_and_home_shows_the_approved_vision(org, member_client):
    client = member_client(org, Role.CHAMPION)
    home = client.get(f"/o/{org.slug}/").text
    assert f'href="{vurl(org, "index")}"' in home
    assert "data-approved-vision" not in home
    statement = VisionStatement.objects.create(organization=org, version=1, text="Equity for all.")
    services.vision_statement_submit(statement=statement, actor=None)
    services.vision_statement_approve(statement=statement, actor=leader_of(org))
    home = client.get(f"/o/{org.slug}/").text
    assert "data-approved-vision" in home and "Equity for all." in home


def test_teams_with_sponsor_and_lead(org, member_client, make_member):
    client = member_client(org, Role.CHAMPION)
    leader = make_member(org, Role.LEADER)
    champion = make_member(org, Role.CHAMPION)
    client.post(
        vurl(org, "team_create"),
        {
            "name": "Unit 4",
            "members": [champion.pk],
            "executive_sponsor": leader.pk,
            "lead": champion.pk,
        },
    )
    from equity_portal.core.models import Team

    team = Team.objects.get(organization=org, name="Unit 4")
    assert team.executive_sponsor == leader and team.lead == champion
    # A champion cannot sponsor: the form offers leaders and administrators only.
    response = client.post(
        vurl(org, "team_edit", pk=team.pk),
        {"name": "Unit 4", "members": [champion.pk], "executive_sponsor": champion.pk},
    )
    assert response.status_code == 200
    team.refresh_from_db()
    assert team.executive_sponsor == leader
    page = client.get(vurl(org, "team_list")).text
    assert leader.user.display_name in page


def test_community_partner_and_role_in_a_charter(org, data, member_client):
    client = member_client(org, Role.CHAMPION)
    client.post(
        vurl(org, "partner_create"),
        {
            "name": "Eastside Alliance",
            "kind": "cbo",
            "contact_name": "Jo",
            "contact_email": "jo@example.org",
            "community_data_url": "//evil.example",
        },
    )
    from vision.models import CommunityPartner

    assert not CommunityPartner.objects.filter(organization=org).exists()  # not a portal address
    client.post(
        vurl(org, "partner_create"),
        {
            "name": "Eastside Alliance",
            "kind": "cbo",
            "contact_name": "Jo",
            "community_data_url": f"/o/{org.slug}/data/community/",
        },
    )
    partner = CommunityPartner.objects.get(organization=org)
    charter = CharterFactory(organization=org)
    client.post(
        vurl(org, "charter_partner_add", pk=charter.pk),
        {"partner": partner.pk, "role": "Navigators"},
    )
    assert charter.partner_roles.get().role == "Navigators"
    page = client.get(vurl(org, "partner_detail", pk=partner.pk)).text
    assert charter.title in page and "Navigators" in page
    make_goal(charter, make_priority(org, BLACK))
