"""Two administrators demoting each other at the same moment must leave one (issue 15,
item 12): the last-administrator check locks every admin membership of the organization.
Two threads on PostgreSQL (marker `services`: CI runs it on PostgreSQL)."""

import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scopes_disabled

from equity_portal.core import services
from equity_portal.core.models import Membership
from equity_portal.core.roles import Role
from tests.factories import MembershipFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["role", "deactivate"])
def test_two_admins_removing_each_other_at_once_leave_one(org, change):
    assert connection.vendor == "postgresql", "run the services tests on PostgreSQL"
    alice = MembershipFactory(organization=org, role=Role.ADMIN)
    bob = MembershipFactory(organization=org, role=Role.ADMIN)
    check = services._other_active_admins

    def slow_check(membership):
        found = check(membership)
        time.sleep(0.5)  # both requests have checked before either writes
        return found

    results = []
    start = threading.Barrier(2)

    def remove(target, actor):
        try:
            with scopes_disabled():
                start.wait()
                if change == "role":
                    services.membership_change_role(
                        membership=target, role=Role.ANALYST, actor=actor.user
                    )
                else:
                    services.membership_set_active(
                        membership=target, is_active=False, actor=actor.user
                    )
            results.append("done")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    with mock.patch.object(services, "_other_active_admins", slow_check):
        threads = [
            threading.Thread(target=remove, args=(alice, bob)),
            threading.Thread(target=remove, args=(bob, alice)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert sorted(results) == ["done", "refused"]
    remaining = Membership.objects.filter(organization=org, role=Role.ADMIN, is_active=True)
    assert remaining.count() == 1
