import pytest

from equity_portal.core.roles import Role

from .factories import fixture_extract


@pytest.fixture
def extract_and_measures(org):
    return fixture_extract(org, measures=2)


@pytest.fixture
def analyst(member_client, org):
    return member_client(org, Role.ANALYST)


def url(org, name, **kwargs):
    from django.urls import reverse

    return reverse(name, kwargs={"org_slug": org.slug, **kwargs})
