import pytest

from equity_portal.core.roles import Role


@pytest.fixture
def champion(make_member, org):
    return make_member(org, Role.CHAMPION)


@pytest.fixture
def admin_member(make_member, org):
    return make_member(org, Role.ADMIN)


def url(name: str, org, **kwargs) -> str:
    from django.urls import reverse

    return reverse(f"commitments:{name}", kwargs={"org_slug": org.slug, **kwargs})
