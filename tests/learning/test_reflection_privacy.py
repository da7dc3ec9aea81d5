"""Reflections are private to their author and the organization's administrators."""

import pytest

from equity_portal.core.roles import Role
from learning import selectors
from tests.learning.factories import (
    ItemCompletionFactory,
    LearningPlanFactory,
    PlanItemFactory,
    SessionReflectionFactory,
    TeamFactory,
)
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db

SECRET = "I noticed my own assumptions about who misses appointments."


@pytest.fixture
def team_item(org, make_member):
    """A team plan item that the author completed with a reflection; bob is on the team too."""
    author, bob = make_member(org), make_member(org)
    team = TeamFactory(organization=org, members=[author, bob])
    item = PlanItemFactory(plan=LearningPlanFactory(organization=org, team=team))
    ItemCompletionFactory(item=item, membership=author, reflection=SECRET)
    return item, author, bob


def _client_for(client, membership):
    client.force_login(membership.user)
    return client


def test_another_member_sees_the_completion_but_not_the_reflection(client, org, team_item):
    item, author, bob = team_item
    response = _client_for(client, bob).get(learn_url(org, "plan_detail", pk=item.plan.pk))
    assert response.status_code == 200
    assert author.user.display_name in response.text
    assert SECRET not in response.text


def test_the_author_sees_their_reflection(client, org, team_item):
    item, author, _bob = team_item
    response = _client_for(client, author).get(learn_url(org, "plan_detail", pk=item.plan.pk))
    assert SECRET in response.text


def test_an_admin_sees_every_reflection(org, team_item, admin):
    item, _author, _bob = team_item
    response = admin.get(learn_url(org, "plan_detail", pk=item.plan.pk))
    assert SECRET in response.text


def test_a_leader_does_not_see_others_reflections(org, team_item, member_client):
    item, _author, _bob = team_item
    leader = member_client(org, Role.LEADER)
    assert SECRET not in leader.get(learn_url(org, "plan_detail", pk=item.plan.pk)).text


def test_completion_selector_blanks_reflections_the_viewer_may_not_read(org, team_item):
    item, author, bob = team_item
    for viewer, expected in [(author, SECRET), (bob, "")]:
        rows = selectors.completion_list(organization=org, viewer=viewer, plan=item.plan)
        assert [r.visible_reflection for r in rows] == [expected]


def test_session_reflections_are_private(client, org, make_member, admin):
    reflection = SessionReflectionFactory(session__organization=org, text=SECRET)
    url = learn_url(org, "session_detail", pk=reflection.session.pk)
    other = make_member(org)
    assert SECRET not in _client_for(client, other).get(url).text
    assert SECRET in _client_for(client, reflection.author).get(url).text
    assert SECRET in admin.get(url).text


def test_the_reflection_edit_page_shows_only_the_viewers_own(client, org, team_item):
    item, _author, bob = team_item
    url = learn_url(org, "plan_item_done", plan_pk=item.plan.pk, pk=item.pk)
    response = _client_for(client, bob).get(url)
    assert response.status_code == 200
    assert SECRET not in response.text
