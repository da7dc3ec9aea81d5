"""Another organization's objects are a 404 on every object URL of the Learn step, for GET and
POST alike. The list of object URLs comes from the URL resolver, so a new one cannot be missed."""

import pytest
from django.urls import get_resolver

from equity_portal.core.roles import Role
from tests.learning.factories import (
    GlossaryTermFactory,
    LearningSessionFactory,
    PlanItemFactory,
    TeamFactory,
)
from tests.learning.utils import learn_url


def _object_url_names() -> list[str]:
    resolver = get_resolver("learning.urls")
    names = []
    for pattern in resolver.url_patterns:
        if any(p in str(pattern.pattern) for p in ("<int:", "<slug:slug>")):
            names.append(pattern.name)
    return names


OBJECT_URLS = _object_url_names()


def _kwargs(name: str, objects: dict) -> dict:
    item = objects["item"]
    if name.startswith("plan_item_") and name != "plan_item_add":
        return {"plan_pk": item.plan.pk, "pk": item.pk}
    if name.startswith("glossary_term"):
        return {"slug": objects["term"].slug}
    prefix = name.split("_")[0]
    return {
        "pk": {
            "resource": item.resource.pk,
            "team": objects["team"].pk,
            "plan": item.plan.pk,
            "session": objects["session"].pk,
        }[prefix]
    }


@pytest.fixture
def charlies_objects(other_org):
    item = PlanItemFactory(plan__organization=other_org)
    return {
        "item": item,
        "team": TeamFactory(organization=other_org),
        "session": LearningSessionFactory(organization=other_org),
        # Both organizations have the starter terms: use a slug only charlie has.
        "term": GlossaryTermFactory(organization=other_org, term="Charlie only"),
    }


def test_the_sweep_covers_every_object_url():
    assert len(OBJECT_URLS) >= 15
    assert {"plan_item_done", "glossary_term", "session_reflect"} <= set(OBJECT_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", OBJECT_URLS)
def test_another_organizations_object_is_not_found(
    name, method, org, charlies_objects, member_client
):
    client = member_client(org, Role.ADMIN)
    url = learn_url(org, name, **_kwargs(name, charlies_objects))
    response = getattr(client, method)(url)
    # POST-only views answer a GET with 405 before looking anything up; everything else 404s.
    assert response.status_code in ((404, 405) if method == "get" else (404,))
    if method == "post":
        assert response.status_code == 404


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
