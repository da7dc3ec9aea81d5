import pytest
from django_scopes import ScopeError, scope
from django_scopes.state import state

from equity_portal.core.models import AuditEvent
from tests.factories import AuditEventFactory


@pytest.mark.django_db
def test_scoped_query_outside_an_organization_raises(org):
    AuditEventFactory(organization=org)
    token = state.set({"_enabled": True})
    try:
        with pytest.raises(ScopeError):
            list(AuditEvent.objects.all())
    finally:
        state.reset(token)


@pytest.mark.django_db
def test_scoped_query_sees_only_its_organization(org, other_org):
    mine = AuditEventFactory(organization=org)
    AuditEventFactory(organization=other_org)
    token = state.set({})
    try:
        with scope(organization=org):
            # (other apps may audit their own setup of each new organization)
            assert list(AuditEvent.objects.filter(action="test.event")) == [mine]
    finally:
        state.reset(token)
