"""Every Commit URL from the resolver: another organization's object is a 404, an outsider gets
404, each view declares its capability, and only the questionnaire editor needs admin."""

import pytest
from django.urls import URLPattern

from commitments import urls as commit_urls
from equity_portal.core.roles import Capability, Role

from .conftest import url
from .factories import (
    ChampionFactory,
    CommitmentFactory,
    ListeningSessionFactory,
    ListeningThemeFactory,
    completed_assessment,
)

pytestmark = pytest.mark.django_db

PATTERNS = [p for p in commit_urls.urlpatterns if isinstance(p, URLPattern)]
OBJECT_PATTERNS = [p for p in PATTERNS if "<int:pk>" in str(p.pattern)]
PLAIN_PATTERNS = [p for p in PATTERNS if "<int:" not in str(p.pattern)]


def _objects_of(organization, make_member):
    member = make_member(organization, Role.ADMIN)
    session = ListeningSessionFactory(organization=organization)
    return {
        "assessment": completed_assessment(organization, member.user),
        "commitment": CommitmentFactory(organization=organization, owner=member),
        "champion": ChampionFactory(organization=organization, membership=member),
        "listening": session,
        "theme": ListeningThemeFactory(session=session),
    }


def _kwargs(pattern, objects):
    prefix = pattern.name.split("_")[0]
    kwargs = {"pk": objects[prefix].pk}
    if "<int:theme_pk>" in str(pattern.pattern):
        kwargs["theme_pk"] = objects["theme"].pk
    return kwargs


def test_every_object_url_is_covered():
    prefixes = {p.name.split("_")[0] for p in OBJECT_PATTERNS}
    assert prefixes == {"assessment", "commitment", "champion", "listening"}


@pytest.mark.parametrize("pattern", OBJECT_PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organizations_object_is_404(
    member_client, make_member, org, other_org, pattern, method
):
    client = member_client(org, Role.ADMIN)
    _objects_of(org, make_member)  # so the pks differ from "nothing at all"
    theirs = _objects_of(other_org, make_member)
    response = getattr(client, method)(url(pattern.name, org, **_kwargs(pattern, theirs)))
    if method == "get" and response.status_code == 405:
        return  # a POST-only action: refused before any lookup, the POST case checks the 404
    assert response.status_code == 404


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_outsider_gets_404_on_every_url(outsider_client, make_member, org, pattern):
    mine = _objects_of(org, make_member)
    kwargs = _kwargs(pattern, mine) if "<int:" in str(pattern.pattern) else {}
    assert outsider_client.get(url(pattern.name, org, **kwargs)).status_code == 404


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_every_view_declares_its_capability(pattern):
    assert getattr(pattern.callback, "required_capability", None) in set(Capability)


def test_only_questionnaire_editing_needs_more_than_editing_steps():
    needs = {p.name: p.callback.required_capability for p in PATTERNS}
    assert {n for n, c in needs.items() if c == Capability.MANAGE_USERS} == {"questionnaire_edit"}
    assert set(needs.values()) <= {Capability.VIEW, Capability.EDIT_STEPS, Capability.MANAGE_USERS}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("pattern", PLAIN_PATTERNS, ids=lambda p: p.name)
def test_every_role_reaches_the_commit_pages(member_client, org, role, pattern):
    client = member_client(org, role)
    response = client.get(url(pattern.name, org))
    if pattern.name == "questionnaire_edit" and role != Role.ADMIN:
        assert response.status_code == 403
    elif pattern.name == "assessment_start":
        assert response.status_code == 405  # POST only
    else:
        assert response.status_code == 200


def test_deactivated_member_is_404(make_member, org, client):
    membership = make_member(org, Role.CHAMPION, is_active=False)
    client.force_login(membership.user)
    assert client.get(url("index", org)).status_code == 404
