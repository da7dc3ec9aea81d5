"""List pages issue the same number of queries for 1 row as for 10 (DESIGN §6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.learning.factories import (
    GlossaryTermFactory,
    ItemCompletionFactory,
    LearningPlanFactory,
    LearningSessionFactory,
    PlanItemFactory,
    ResourceFactory,
    SessionReflectionFactory,
    TeamFactory,
)
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db


def _grow(org, name, n, make_member):
    """Add n rows of what the page `name` lists."""
    for _ in range(n):
        if name in ("resource_list", "resource_list_csv"):
            ResourceFactory(organization=org, tags="a,b")
        elif name in ("glossary", "glossary_csv"):
            GlossaryTermFactory(organization=org, aliases="x,y")
        elif name in ("team_list", "team_list_csv"):
            TeamFactory(organization=org, members=[make_member(org), make_member(org)])
        elif name in ("plan_list", "plan_list_csv", "progress", "progress_csv", "index"):
            member = make_member(org)
            team = TeamFactory(organization=org, members=[member])
            item = PlanItemFactory(plan=LearningPlanFactory(organization=org, assignee=member))
            PlanItemFactory(plan=LearningPlanFactory(organization=org, team=team))
            ItemCompletionFactory(item=item, membership=member, reflection="r")
        elif name in ("session_list", "session_list_csv"):
            session = LearningSessionFactory(organization=org)
            session.attendees.set([make_member(org)])
            session.resources.set([ResourceFactory(organization=org)])


LIST_PAGES = [
    "index",
    "resource_list",
    "resource_list_csv",
    "glossary",
    "glossary_csv",
    "team_list",
    "team_list_csv",
    "plan_list",
    "plan_list_csv",
    "progress",
    "progress_csv",
    "session_list",
    "session_list_csv",
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_rows(
    name, org, admin, make_member, django_assert_max_num_queries
):
    url = learn_url(org, name)
    _grow(org, name, 1, make_member)
    with django_assert_max_num_queries(25):
        one = _count(admin, url)
    _grow(org, name, 9, make_member)
    with django_assert_max_num_queries(25):
        ten = _count(admin, url)
    assert ten == one


def test_plan_detail_queries_do_not_grow_with_items_and_members(org, admin, make_member):
    members = [make_member(org) for _ in range(2)]
    team = TeamFactory(organization=org, members=members)
    plan = LearningPlanFactory(organization=org, team=team)
    item = PlanItemFactory(plan=plan)
    ItemCompletionFactory(item=item, membership=members[0], reflection="r")
    url = learn_url(org, "plan_detail", pk=plan.pk)
    one = _count(admin, url)
    for _ in range(9):
        extra = make_member(org)
        team.members.add(extra)
        ItemCompletionFactory(item=PlanItemFactory(plan=plan), membership=extra, reflection="r")
    assert _count(admin, url) == one


def test_session_detail_queries_do_not_grow_with_reflections(org, admin):
    session = LearningSessionFactory(organization=org)
    SessionReflectionFactory(session=session)
    url = learn_url(org, "session_detail", pk=session.pk)
    one = _count(admin, url)
    SessionReflectionFactory.create_batch(9, session=session)
    assert _count(admin, url) == one
