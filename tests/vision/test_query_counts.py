"""Vision's list pages, CSV downloads and the charter page issue the same number of queries for
1 row as for 10 (today's gaps read the data hub once per measure x dimension, not per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.vision.conftest import vurl
from tests.vision.factories import (
    BLACK,
    HISPANIC,
    CharterFactory,
    PartnerFactory,
    TeamFactory,
    leader_of,
    make_goal,
    make_priority,
)
from vision import services
from vision.models import CharterPartner

pytestmark = pytest.mark.django_db


def _grow(org, name, n, make_member, state):
    for _ in range(n):
        if name.startswith("priority_list") or name == "index":
            # One key can be chosen again once retired: n rows on one measure x dimension.
            priority = make_priority(org, BLACK)
            services.priority_set_status(priority=priority, actor=state["leader"], status="retired")
        elif name.startswith("team_list"):
            team = TeamFactory(organization=org, lead=make_member(org))
            team.members.set([make_member(org), make_member(org)])
            CharterFactory(organization=org, team=team)
        elif name.startswith("charter_list") or name == "goals_csv":
            make_goal(
                CharterFactory(organization=org, sponsor=make_member(org, "leader")),
                state["priority"],
            )
        elif name.startswith("partner_list"):
            partner = PartnerFactory(organization=org)
            CharterPartner.objects.create(
                organization=org, charter=state["charter"], partner=partner, role="r"
            )
        elif name == "charter_detail":
            make_goal(state["charter"], state["priority"])
            services.charter_measure_add(
                charter=state["charter"], actor=None, kind="process", name="m"
            )
            services.charter_milestone_add(
                charter=state["charter"], actor=None, title="t", due_date=state["day"]
            )
            services.charter_partner_set(
                charter=state["charter"],
                actor=None,
                partner=PartnerFactory(organization=org),
                role="r",
            )


PAGES = [
    "index",
    "priority_list",
    "priority_list_csv",
    "team_list",
    "team_list_csv",
    "charter_list",
    "charter_list_csv",
    "partner_list",
    "partner_list_csv",
    "goals_csv",
    "charter_detail",
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", PAGES)
def test_queries_do_not_grow_with_rows(
    name, org, data, member_client, make_member, django_assert_max_num_queries
):
    from datetime import date

    charter = CharterFactory(organization=org)
    state = {
        "leader": leader_of(org),
        "priority": make_priority(org, HISPANIC),
        "charter": charter,
        "day": date(2027, 1, 1),
    }
    admin = member_client(org, "admin")
    url = vurl(org, name, pk=charter.pk) if name == "charter_detail" else vurl(org, name)
    _grow(org, name, 1, make_member, state)
    with django_assert_max_num_queries(40):
        one = _count(admin, url)
    _grow(org, name, 9, make_member, state)
    with django_assert_max_num_queries(40):
        ten = _count(admin, url)
    assert ten == one
