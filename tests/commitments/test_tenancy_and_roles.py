"""Every Commit URL from the resolver: each view declares its capability, and only the
questionnaire editor needs admin. (Another organization's object, outsiders: the core's sweep,
tests/core/test_cross_org_sweep.py.)"""

import pytest
from django.urls import URLPattern

from commitments import urls as commit_urls
from equity_portal.core.roles import Capability, Role

from .conftest import url

pytestmark = pytest.mark.django_db

PATTERNS = [p for p in commit_urls.urlpatterns if isinstance(p, URLPattern)]
PLAIN_PATTERNS = [p for p in PATTERNS if "<int:" not in str(p.pattern)]


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
