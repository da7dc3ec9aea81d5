"""Learn-specific tenancy: an item under another plan, forms that cannot pick another
organization's objects. (Another organization's object on every URL, GET and POST: the core's
sweep, tests/core/test_cross_org_sweep.py.)"""

import pytest

from tests.learning.factories import (
    PlanItemFactory,
)
from tests.learning.utils import learn_url


@pytest.mark.django_db
def test_an_item_is_not_found_under_another_plan(org, champion):
    item = PlanItemFactory(plan__organization=org)
    other_plan = PlanItemFactory(plan__organization=org).plan
    url = learn_url(org, "plan_item_done", plan_pk=other_plan.pk, pk=item.pk)
    assert champion.get(url).status_code == 404


@pytest.mark.django_db
def test_a_form_cannot_pick_another_organizations_member_or_resource(
    org, other_org, champion, make_member
):
    outsider = make_member(other_org)
    response = champion.post(
        learn_url(org, "plan_create"), {"title": "Sneaky", "assignee": outsider.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    plan = PlanItemFactory(plan__organization=org).plan
    foreign = PlanItemFactory(plan__organization=other_org).resource
    champion.post(
        learn_url(org, "plan_item_add", pk=plan.pk),
        {"resource": foreign.pk, "due_date": "2999-01-01"},
    )
    assert not plan.items.filter(resource=foreign).exists()
