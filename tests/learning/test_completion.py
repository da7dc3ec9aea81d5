"""Completion per person, per team and for the organization."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learning import charts, selectors
from tests.learning.factories import (
    ItemCompletionFactory,
    LearningPlanFactory,
    PlanItemFactory,
    TeamFactory,
)
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def learning(org, make_member):
    """alice has a 2-item plan (1 done); alice and bob share a 2-item team plan (alice 2 done,
    bob 0 done, one item overdue for bob); carol is inactive and on the team (not counted)."""
    alice, bob = make_member(org), make_member(org)
    carol = make_member(org, is_active=False)
    own = LearningPlanFactory(organization=org, assignee=alice)
    own_items = PlanItemFactory.create_batch(2, plan=own)
    ItemCompletionFactory(item=own_items[0], membership=alice)
    team = TeamFactory(organization=org, name="Unit 4", members=[alice, bob, carol])
    team_plan = LearningPlanFactory(organization=org, team=team)
    overdue = PlanItemFactory(plan=team_plan, due_date=timezone.localdate() - timedelta(days=1))
    later = PlanItemFactory(plan=team_plan)
    for item in (overdue, later):
        ItemCompletionFactory(item=item, membership=alice)
    return {"alice": alice, "bob": bob, "team": team, "own": own, "team_plan": team_plan}


def test_completion_per_person(org, learning):
    summary = selectors.completion_summary(organization=org)
    people = {p.pk: p for p in summary.people}
    alice, bob = people[learning["alice"].pk], people[learning["bob"].pk]
    assert (alice.assigned, alice.done, alice.percent) == (4, 3, 75.0)
    assert (bob.assigned, bob.done, bob.overdue, bob.percent) == (2, 0, 1, 0.0)


def test_inactive_members_are_not_counted(org, learning):
    summary = selectors.completion_summary(organization=org)
    assert {p.pk for p in summary.people} == {learning["alice"].pk, learning["bob"].pk}


def test_completion_per_team_counts_team_plans_for_each_member(org, learning):
    (team,) = selectors.completion_summary(organization=org).teams
    assert (team.label, team.assigned, team.done, team.overdue) == ("Unit 4", 4, 2, 1)
    assert team.percent == 50.0


def test_completion_for_the_organization_and_per_plan(org, learning):
    summary = selectors.completion_summary(organization=org)
    assert (summary.organization.assigned, summary.organization.done) == (6, 3)
    assert summary.organization.percent == 50.0
    assert summary.plans[learning["own"].pk].percent == 50.0
    assert summary.plans[learning["team_plan"].pk].percent == 50.0


def test_nothing_assigned_has_no_percentage(org):
    summary = selectors.completion_summary(organization=org)
    assert summary.organization.percent is None
    assert charts.progress_figure(summary) is None


def test_progress_chart_has_the_organization_and_each_team(org, learning):
    summary = selectors.completion_summary(organization=org)
    figure = charts.progress_figure(summary)
    (bar,) = figure["data"]
    assert list(bar["y"]) == ["Unit 4", "Alice Health (all)"]
    assert list(bar["x"]) == [50.0, 50.0]


def test_progress_page_renders_chart_data_and_a_table_alternative(org, learning, champion):
    response = champion.get(learn_url(org, "progress"))
    assert response.status_code == 200
    html = response.text
    assert 'id="progress-chart-data"' in html
    assert "vendor/plotly/plotly.min.js" in html
    assert "<caption>Chart data" in html
    assert "Unit 4" in html


def test_pages_without_a_chart_do_not_load_plotly(org, champion):
    assert "plotly" not in champion.get(learn_url(org, "progress")).text
    assert "plotly" not in champion.get(learn_url(org, "index")).text


def test_progress_filters_people_by_team(org, learning, make_member, champion):
    response = champion.get(learn_url(org, "progress"), {"team": learning["team"].pk})
    shown = {p.pk for p in response.context["page"].object_list}
    assert shown == {learning["alice"].pk, learning["bob"].pk}
