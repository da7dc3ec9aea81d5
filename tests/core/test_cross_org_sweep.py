"""One cross-organization sweep for every app (it replaces the per-app copies): every
organization URL from the resolver, filled from the factory registry (tests/object_registry.py)
with ANOTHER organization's object ids, is a 404 for GET and POST alike, and the other
organization's data is untouched; an outsider's POST to every URL is a 404 too."""

import pytest
from django.urls import reverse

from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from tests.core.test_url_sweep import PARAMETER, SWEPT
from tests.object_registry import NOT_OBJECTS, REGISTRY, Objects


def _parameters(route: str) -> list[str]:
    return [m["name"] for m in PARAMETER.finditer(route) if m["name"] != "org_slug"]


WITH_PARAMETERS = [u for u in SWEPT if _parameters(u.route)]
OBJECT_URLS = [u for u in WITH_PARAMETERS if u.name in REGISTRY]


def path_for(url, organization, objects: Objects) -> str:
    """The URL of `organization` with parameters from `objects` (of any organization)."""
    if url.name in NOT_OBJECTS:
        kwargs = NOT_OBJECTS[url.name]
    elif url.name in REGISTRY:
        kwargs = REGISTRY[url.name](objects)
    else:
        kwargs = {}
    return reverse(url.name, kwargs={"org_slug": organization.slug, **kwargs})


def test_every_url_with_parameters_is_registered():
    missing = [u.name for u in WITH_PARAMETERS if u.name not in REGISTRY | NOT_OBJECTS]
    assert not missing, f"add these URLs to tests/object_registry.py: {missing}"


def test_the_sweep_covers_the_object_urls_of_every_app():
    apps = {u.name.split(":")[0] for u in OBJECT_URLS}
    assert {
        "core",
        "commitments",
        "learning",
        "community",
        "data_hub",
        "vision",
        "improvement",
        "overview",
    } <= apps
    assert len(OBJECT_URLS) >= 85


def _their_state(organization) -> tuple:
    return (AuditEvent.objects.filter(organization=organization).count(),)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("url", OBJECT_URLS, ids=lambda u: u.name)
def test_another_organizations_object_is_404(url, method, org, other_org, member_client):
    client = member_client(org, Role.ADMIN)
    Objects(org).get("membership")  # so their ids are not simply the only ones
    theirs = Objects(other_org)
    path = path_for(url, org, theirs)
    before = _their_state(other_org)

    response = getattr(client, method)(path, {"status": "done", "role": "admin"})

    # A POST-only view may answer a GET with 405 before looking anything up.
    assert response.status_code in ((404, 405) if method == "get" else (404,)), path
    assert _their_state(other_org) == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", SWEPT, ids=lambda u: u.name)
def test_an_outsiders_post_is_404_and_writes_nothing(url, org, outsider_client):
    ours = Objects(org)
    path = path_for(url, org, ours)
    before = _their_state(org)

    response = outsider_client.post(path, {"name": "x", "status": "done"})

    assert response.status_code == 404, path
    assert _their_state(org) == before
