"""Every URL under /o/<org_slug>/, found by walking the URL resolver (never a hand-written list),
is checked for each party: anonymous, a member of another organization, a deactivated member,
and each role of the organization against the matrix of DESIGN §3 (core/roles.py).

A URL added by any app later is swept automatically; one whose view does not declare its
capability with @org_view fails here."""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from equity_portal.core.roles import Role, role_can
from tests.factories import MembershipFactory

ORG_PREFIX = "o/<slug:org_slug>/"
MISSING_PK = "999999"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class SweptUrl:
    route: str  # e.g. "o/<slug:org_slug>/admin/members/<int:pk>/role/"
    name: str  # "namespace:name" or the route when unnamed

    def path_for(self, org_slug: str) -> str:
        def fill(match: re.Match) -> str:
            converter, name = match["converter"] or "str", match["name"]
            if name == "org_slug":
                return org_slug
            if converter == "int":
                return MISSING_PK
            if converter == "uuid":
                return str(uuid.uuid4())
            return "x"  # str, slug, path and custom converters accept a plain word

        return "/" + PARAMETER.sub(fill, self.route)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            # re_path(): the sweep cannot fill a regex reliably, so it must not hide one.
            route = f"{prefix}{entry.pattern}"
            if route.startswith(ORG_PREFIX[:2]):
                raise AssertionError(f"regex URL under /o/ cannot be swept: {route}")
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, route, inner.lstrip(":"))
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}".lstrip(":") if entry.name else route
            yield SweptUrl(route=route, name=name)


def organization_urls() -> list[SweptUrl]:
    return [u for u in _walk(get_resolver().url_patterns) if u.route.startswith(ORG_PREFIX)]


SWEPT = organization_urls()
PARTIES = ["anonymous", "outsider", "deactivated", *[role.value for role in Role]]


def test_the_sweep_finds_the_core_organization_urls():
    names = {u.name for u in SWEPT}
    assert {"overview:index", "core:members", "core:audit_log", "core:job_status"} <= names


@pytest.mark.parametrize("url", SWEPT, ids=lambda u: u.name)
def test_every_organization_view_declares_its_capability(url):
    view = resolve(url.path_for("any-org")).func
    assert getattr(view, "required_capability", None) is not None, (
        f"{url.route} ({view.__module__}.{view.__name__}) is not decorated with @org_view"
    )


def _client_for(party: str, org, other_org) -> Client:
    client = Client()
    if party == "anonymous":
        return client
    if party == "outsider":
        membership = MembershipFactory(organization=other_org, role=Role.ADMIN)
    elif party == "deactivated":
        membership = MembershipFactory(organization=org, role=Role.ADMIN, is_active=False)
    else:
        membership = MembershipFactory(organization=org, role=party)
    client.force_login(membership.user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("party", PARTIES)
@pytest.mark.parametrize("url", SWEPT, ids=lambda u: u.name)
def test_organization_url_access(url, party, org, other_org):
    capability = getattr(resolve(url.path_for(org.slug)).func, "required_capability", None)
    assert capability is not None, f"{url.route} does not declare its capability (@org_view)"
    client = _client_for(party, org, other_org)
    path = url.path_for(org.slug)

    response = client.get(path)

    if party == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    elif party in ("outsider", "deactivated"):
        assert response.status_code == 404
    elif not role_can(party, capability):
        assert response.status_code == 403
    else:
        assert response.status_code not in (403, 500)
