"""The organization's home page: each step's numbers, what needs this viewer, their role,
first steps for a new organization, and a bounded number of queries."""

import pytest
from django.urls import reverse

from equity_portal.core.roles import Role
from tests.commitments.factories import completed_assessment

from .factories import populate

pytestmark = pytest.mark.django_db


def _home(org):
    return reverse("overview:index", kwargs={"org_slug": org.slug})


def test_new_organization_says_what_to_do_first(member_client, org):
    client = member_client(org, Role.LEADER)
    html = client.get(_home(org)).content.decode()
    assert "What to do first" in html
    assert "Take the readiness self-assessment" in html
    assert "No extract is processed yet" in html
    assert "An analyst uploads the first EHR extract" in html  # a leader cannot upload
    assert 'data-testid="viewer-role">Leader<' in html
    assert "Nothing needs you right now." in html


def test_panels_show_each_steps_numbers(member_client, org):
    client = member_client(org, Role.ANALYST)
    completed_assessment(org, client.user, value=2)
    completed_assessment(org, client.user, value=3)
    populate(org, client.membership, 2)
    html = client.get(_home(org)).content.decode()
    assert 'Self-assessment score <strong class="fs-4">75%</strong>' in html
    assert "+25 points since the one before" in html
    assert "2 open commitments" in html and "2 overdue" in html
    assert "2 equity champions" in html
    # Learning: 4 items assigned (2 completed, 2 overdue for the viewer)
    assert 'Learning completion <strong class="fs-4">50.0%</strong>' in html
    assert "q2-quality.csv" in html
    assert (
        'Race <strong class="text-danger">90.0%</strong><span class="small"> (below target)' in html
    )  # 900 known of 1,000 patients


def test_attention_lists_what_the_viewer_owns(member_client, org):
    analyst = member_client(org, Role.ANALYST)
    populate(org, analyst.membership, 1)
    html = analyst.get(_home(org)).content.decode()
    assert html.count('badge text-bg-danger">Commitment<') == 1
    assert 'badge text-bg-danger">Extract<' in html  # failed extract, analysts only
    assert ">Learning<" in html
    champion = member_client(org, Role.CHAMPION)
    html = champion.get(_home(org)).content.decode()
    assert ">Extract<" not in html and ">Commitment<" not in html
    assert "Nothing needs you right now." in html


@pytest.mark.parametrize("n", [1, 10])
def test_query_count_does_not_grow_with_data(member_client, org, django_assert_max_num_queries, n):
    client = member_client(org, Role.ANALYST)
    completed_assessment(org, client.user)
    populate(org, client.membership, n)
    with django_assert_max_num_queries(45):
        response = client.get(_home(org))
    assert response.status_code == 200


def test_query_count_is_equal_for_1_and_10_records(member_client, org, other_org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for organization, n in ((org, 1), (other_org, 10)):
        client = member_client(organization, Role.ANALYST)
        populate(organization, client.membership, n)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_home(organization)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_other_organizations_records_are_absent(member_client, org, other_org):
    other = member_client(other_org, Role.ANALYST)
    populate(other_org, other.membership, 2)
    client = member_client(org, Role.ANALYST)
    html = client.get(_home(org)).content.decode()
    assert "q2-quality.csv" not in html
    assert "What to do first" in html
