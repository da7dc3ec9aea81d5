"""Labels where people read (issue 16 item 8): the audit log names objects instead of
"core.membership #7", and a measure whose name is its code is not shown twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from equity_portal.core.models import AuditEvent, Membership
from equity_portal.core.roles import Role
from tests.data_hub.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def _audit_page(client, org) -> str:
    return client.get(reverse("core:audit_log", kwargs={"org_slug": org.slug})).content.decode()


def test_audit_log_names_objects(org, member_client, make_member):
    client = member_client(org, Role.ADMIN)
    ann = make_member(org, Role.ANALYST)
    client.post(reverse("core:deactivate", kwargs={"org_slug": org.slug, "pk": ann.pk}))
    client.post(
        reverse("core:invite", kwargs={"org_slug": org.slug}),
        {"email": "new.person@alice.test", "role": "leader"},
    )

    html = _audit_page(client, org)

    assert f"Membership: {ann.user.display_name} in {org.name} (Analyst)" in html
    assert "Invitation of new.person@alice.test as Leader" in html
    assert "core.membership #" not in html and "core.invitation #" not in html


def test_a_deleted_object_is_named_by_its_type(org, member_client):
    client = member_client(org, Role.ADMIN)
    AuditEvent.objects.create(
        organization=org,
        actor_label="x",
        action="thing.delete",
        object_type="core.membership",
        object_id="999999",
    )
    assert "Membership #999999 (deleted)" in _audit_page(client, org)


def test_audit_log_labels_take_one_query_per_object_type(org, member_client, make_member):
    client = member_client(org, Role.ADMIN)
    for _ in range(5):
        member = make_member(org, Role.CHAMPION)
        client.post(reverse("core:deactivate", kwargs={"org_slug": org.slug, "pk": member.pk}))
    _audit_page(client, org)
    with CaptureQueriesContext(connection) as few:
        _audit_page(client, org)
    for _ in range(5):
        member = make_member(org, Role.CHAMPION)
        client.post(reverse("core:deactivate", kwargs={"org_slug": org.slug, "pk": member.pk}))
    with CaptureQueriesContext(connection) as many:
        html = _audit_page(client, org)
    assert len(many) == len(few)
    assert html.count("Membership: ") >= 10
    assert Membership.objects.filter(organization=org, is_active=False).count() == 10


@pytest.mark.parametrize(
    "code, name, label",
    [
        ("Flu vaccination", "Flu vaccination", "Flu vaccination"),
        ("FLU", "flu", "flu"),
        ("FLU-VAX", "Flu vaccination", "Flu vaccination (FLU-VAX)"),
    ],
)
def test_measure_label_shows_the_code_only_when_it_adds_something(org, code, name, label):
    measure = MeasureFactory(organization=org, code=code, name=name)
    assert measure.label == label == str(measure)
