import pytest

from equity_portal.core.roles import Role


@pytest.fixture
def champion(member_client, org):
    """A logged-in champion of alice's organization (client.membership, client.user)."""
    return member_client(org, Role.CHAMPION)


@pytest.fixture
def admin(member_client, org):
    return member_client(org, Role.ADMIN)
