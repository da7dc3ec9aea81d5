"""List pages issue the same number of queries for 1 row as for 10 (DESIGN §6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from equity_portal.core.roles import Role

from .conftest import url
from .factories import (
    ChampionFactory,
    CommitmentFactory,
    ListeningSessionFactory,
    ListeningThemeFactory,
    completed_assessment,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 20


def _add_rows(org, member, n):
    for _ in range(n):
        owner = CommitmentFactory(organization=org).owner
        CommitmentFactory(organization=org, owner=member)
        ChampionFactory(organization=org, membership=owner)
        session = ListeningSessionFactory(organization=org)
        theme = ListeningThemeFactory(session=session)
        theme.commitments.add(CommitmentFactory(organization=org, owner=member))
        completed_assessment(org, member.user)


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "name",
    [
        "index",
        "assessment_list",
        "commitment_list",
        "champion_list",
        "listening_list",
        "questionnaire",
    ],
)
def test_list_pages_have_a_constant_query_count(
    member_client, org, name, django_assert_max_num_queries
):
    client = member_client(org, Role.CHAMPION)
    _add_rows(org, client.membership, 1)
    one = _count(client, url(name, org))
    _add_rows(org, client.membership, 9)
    with django_assert_max_num_queries(MAX_QUERIES):
        ten = _count(client, url(name, org))
    assert one == ten


def test_listening_detail_query_count_does_not_grow_with_themes(member_client, org):
    client = member_client(org, Role.CHAMPION)
    session = ListeningSessionFactory(organization=org)
    CommitmentFactory(organization=org, owner=client.membership)
    ListeningThemeFactory(session=session)
    one = _count(client, url("listening_detail", org, pk=session.pk))
    for _ in range(9):
        ListeningThemeFactory(session=session)
        CommitmentFactory(organization=org, owner=client.membership)
    assert _count(client, url("listening_detail", org, pk=session.pk)) == one
