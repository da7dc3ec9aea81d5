"""Every admin write is audited (actor, IP); the log is append-only; the audit page filters,
paginates and exports CSV; admin pages issue a bounded number of queries."""

import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from equity_portal.core.models import AuditEvent, Membership
from equity_portal.core.roles import Role
from tests.factories import AuditEventFactory, InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def org_url(name, org, **kwargs):
    return reverse(f"core:{name}", kwargs={"org_slug": org.slug, **kwargs})


def _invite(client, org, member):
    client.post(org_url("invite", org), {"email": "new@example.test", "role": Role.CHAMPION})


def _revoke(client, org, member):
    invitation = InvitationFactory(organization=org)
    client.post(org_url("revoke_invitation", org, pk=invitation.pk))


def _change_role(client, org, member):
    client.post(org_url("change_role", org, pk=member.pk), {"role": Role.LEADER})


def _deactivate(client, org, member):
    client.post(org_url("deactivate", org, pk=member.pk))


def _reactivate(client, org, member):
    Membership.objects.filter(pk=member.pk).update(is_active=False)
    client.post(org_url("reactivate", org, pk=member.pk))


def _settings(client, org, member):
    client.post(
        org_url("organization_settings", org),
        {
            "name": "Alice Health System",
            "suppression_k": 20,
            "reject_tolerance_percent": "1.00",
            "raw_retention_days": 0,
            "completeness_target_percent": "95.00",
        },
    )


ADMIN_WRITES = [
    ("invitation.create", _invite),
    ("invitation.revoke", _revoke),
    ("membership.change_role", _change_role),
    ("membership.deactivate", _deactivate),
    ("membership.reactivate", _reactivate),
    ("organization.update_settings", _settings),
]


@pytest.mark.parametrize(("action", "write"), ADMIN_WRITES, ids=[a for a, _ in ADMIN_WRITES])
def test_every_admin_write_records_an_audit_event(
    admin_client_org, org, make_member, action, write
):
    member = make_member(org, Role.ANALYST)
    # Other apps may audit their own setup of a new organization: look only at what follows.
    earlier = list(AuditEvent.objects.values_list("pk", flat=True))

    write(admin_client_org, org, member)

    event = AuditEvent.objects.exclude(pk__in=earlier).get(organization=org)
    assert event.action == action
    assert event.actor == admin_client_org.user
    assert event.actor_label == admin_client_org.user.email
    assert event.ip_address == "127.0.0.1"
    assert event.object_type and event.object_id


def test_settings_audit_keeps_the_values_before_and_after(admin_client_org, org):
    _settings(admin_client_org, org, None)

    event = AuditEvent.objects.get(action="organization.update_settings")
    assert event.details["before"] == {"name": "Alice Health", "suppression_k": "11"}
    assert event.details["after"] == {"name": "Alice Health System", "suppression_k": "20"}


def test_audit_events_are_append_only(org):
    event = AuditEventFactory(organization=org)

    event.action = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(ValueError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


@pytest.fixture
def audit_history(org, other_org, admin_client_org):
    alice = admin_client_org.user
    bob = MembershipFactory(organization=org, role=Role.ADMIN).user
    day = timezone.make_aware(datetime(2020, 3, 10, 12, 0))
    AuditEventFactory(
        organization=org,
        actor=alice,
        actor_label=alice.email,
        action="membership.deactivate",
        created_at=day,
    )
    AuditEventFactory(
        organization=org,
        actor=bob,
        actor_label=bob.email,
        action="invitation.create",
        created_at=day + timedelta(days=1),
    )
    AuditEventFactory(
        organization=org,
        actor=bob,
        actor_label=bob.email,
        action="membership.deactivate",
        created_at=day + timedelta(days=5),
        details={"user": "x@example.test"},
    )
    AuditEventFactory(
        organization=other_org,
        action="membership.deactivate",
        actor_label="charlie@example.test",
        created_at=day,
    )
    return alice, bob


def _rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


# (query, how many of audit_history's events match, whether today's events match too)
@pytest.mark.parametrize(
    ("query", "expected", "with_today"),
    [
        ({}, 3, True),
        ({"action": "membership.deactivate"}, 2, False),
        ({"actor": "bob"}, 2, False),
        ({"actor": "bob", "action": "membership.deactivate"}, 1, False),
        ({"date_from": "2020-03-11"}, 2, True),
        ({"date_to": "2020-03-11"}, 2, False),
        ({"date_from": "2020-03-11", "date_to": "2020-03-11"}, 1, False),
    ],
)
def test_audit_log_filters(admin_client_org, org, audit_history, query, expected, with_today):
    alice, bob = audit_history
    if query.get("actor") == "bob":
        query = {**query, "actor": bob.pk}
    # Events other apps recorded today while setting the organization up.
    if with_today:
        expected += AuditEvent.objects.filter(organization=org, created_at__year__gt=2020).count()

    page = admin_client_org.get(org_url("audit_log", org), query)
    export = admin_client_org.get(org_url("audit_log_csv", org), query)

    assert page.status_code == 200
    assert page.context["page"].paginator.count == expected
    assert "charlie@example.test" not in page.content.decode()
    # The page's own view is recorded after it was read (issue 15): the export, run next,
    # lists it too when the filters take today's events.
    assert len(_rows(export)) == expected + (1 if with_today else 0)


def test_audit_log_rejects_an_inverted_date_range(admin_client_org, org, audit_history):
    response = admin_client_org.get(
        org_url("audit_log", org), {"date_from": "2020-03-12", "date_to": "2020-03-01"}
    )
    assert "The end date is before the start date." in response.content.decode()


def test_audit_log_cannot_filter_by_another_organizations_user(
    admin_client_org, org, other_org, audit_history
):
    charlie = MembershipFactory(organization=other_org).user
    response = admin_client_org.get(org_url("audit_log", org), {"actor": charlie.pk})
    assert "Select a valid choice." in response.content.decode()


def test_audit_log_paginates(admin_client_org, org):
    actor = admin_client_org.user
    for n in range(120):
        AuditEventFactory(organization=org, actor=actor, action=f"test.event{n:03d}")

    first = admin_client_org.get(org_url("audit_log", org), {"actor": actor.pk})
    last = admin_client_org.get(org_url("audit_log", org), {"actor": actor.pk, "page": 3})

    # 120 events and the actor's log-in; then also the first page's view (issue 15, item 8).
    assert "Events 1–50 of 121" in first.content.decode()
    assert "Events 101–122 of 122" in last.content.decode()
    assert "<code>test.event000</code>" in last.content.decode()
    assert "<code>test.event000</code>" not in first.content.decode()


def test_audit_csv_export_content(admin_client_org, org, audit_history):
    response = admin_client_org.get(org_url("audit_log_csv", org), {"date_to": "2020-12-31"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="audit-log-alice.csv"' in response["Content-Disposition"]
    rows = _rows(response)
    assert list(rows[0]) == ["time", "actor", "action", "object_type", "object_id", "details", "ip"]
    newest = rows[0]
    assert newest["action"] == "membership.deactivate"
    assert json.loads(newest["details"]) == {"user": "x@example.test"}
    assert newest["time"].startswith("2020-03-15T12:00:00")


def test_audit_csv_neutralizes_spreadsheet_formulas(admin_client_org, org):
    AuditEventFactory(organization=org, actor_label='=HYPERLINK("http://evil")', action="x.y")
    rows = _rows(admin_client_org.get(org_url("audit_log_csv", org), {"action": "x.y"}))
    assert rows[0]["actor"].startswith("'=")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_audit_page_query_count_does_not_grow(admin_client_org, org, django_assert_max_num_queries):
    url = org_url("audit_log", org)
    AuditEventFactory(organization=org, actor=admin_client_org.user)
    with django_assert_max_num_queries(12):
        one = _queries(admin_client_org, url)
    for n in range(29):
        actor = MembershipFactory(organization=org).user
        AuditEventFactory(organization=org, actor=actor, action=f"test.event{n}")
    with django_assert_max_num_queries(12):
        thirty = _queries(admin_client_org, url)
    assert one == thirty


def test_members_page_query_count_does_not_grow(
    admin_client_org, org, django_assert_max_num_queries
):
    url = org_url("members", org)
    InvitationFactory(organization=org, invited_by=admin_client_org.user)
    with django_assert_max_num_queries(10):
        one = _queries(admin_client_org, url)
    for _ in range(29):
        inviter = MembershipFactory(organization=org, role=Role.ADMIN).user
        InvitationFactory(organization=org, invited_by=inviter)
    with django_assert_max_num_queries(10):
        thirty = _queries(admin_client_org, url)
    assert one == thirty


def test_audit_log_shows_details_whatever_their_keys(admin_client_org, org):
    # Keys such as "items" or "values" once made the template call dict methods and crash.
    AuditEventFactory(
        organization=org,
        action="learning_plan.update",
        details={"items": 3, "values": "a", "keys": "b"},
    )

    response = admin_client_org.get(reverse("core:audit_log", kwargs={"org_slug": org.slug}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "items: 3" in page
    assert "values: a" in page
