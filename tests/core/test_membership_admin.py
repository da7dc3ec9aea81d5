"""Role changes, deactivation and reactivation, last-admin protection, and another
organization's membership id posted to our admin pages."""

import pytest
from django.urls import reverse

from equity_portal.core.models import AuditEvent, Membership
from equity_portal.core.roles import Role
from tests.factories import AuditEventFactory

pytestmark = pytest.mark.django_db


def core_audit_events():
    # Other apps audit their own setup of a new organization; these tests watch the core's.
    return AuditEvent.objects.filter(action__regex=r"^(invitation|membership|organization)\.")


def url(name, org, membership):
    return reverse(f"core:{name}", kwargs={"org_slug": org.slug, "pk": membership.pk})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_change_role_is_applied(admin_client_org, org, make_member):
    member = make_member(org, Role.CHAMPION)

    response = admin_client_org.post(url("change_role", org, member), {"role": Role.ANALYST})

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.ANALYST


def test_unknown_role_changes_nothing(admin_client_org, org, make_member):
    member = make_member(org, Role.CHAMPION)

    response = admin_client_org.post(
        url("change_role", org, member), {"role": "owner"}, follow=True
    )

    assert "Choose one of the listed roles." in messages_of(response)
    member.refresh_from_db()
    assert member.role == Role.CHAMPION
    assert not core_audit_events().exists()


def test_deactivated_member_loses_access_and_their_records_stay(
    admin_client_org, org, member_client
):
    analyst = member_client(org, Role.ANALYST)
    their_event = AuditEventFactory(organization=org, actor=analyst.user, action="test.mine")
    assert analyst.get(reverse("overview:index", kwargs={"org_slug": org.slug})).status_code == 200

    response = admin_client_org.post(url("deactivate", org, analyst.membership), follow=True)

    assert f"{analyst.user.email} deactivated." in messages_of(response)
    assert analyst.get(reverse("overview:index", kwargs={"org_slug": org.slug})).status_code == 404
    membership = Membership.objects.get(pk=analyst.membership.pk)
    assert membership.is_active is False and membership.role == Role.ANALYST
    assert AuditEvent.objects.get(pk=their_event.pk).actor == analyst.user
    # Still listed (greyed out) for the admin, who can reactivate.
    members_page = admin_client_org.get(reverse("core:members", kwargs={"org_slug": org.slug}))
    assert analyst.user.email in members_page.content.decode()


def test_reactivated_member_regains_access(admin_client_org, org, member_client):
    analyst = member_client(org, Role.ANALYST)
    Membership.objects.filter(pk=analyst.membership.pk).update(is_active=False)

    admin_client_org.post(url("reactivate", org, analyst.membership))

    assert analyst.get(reverse("overview:index", kwargs={"org_slug": org.slug})).status_code == 200


def test_deactivated_member_is_not_offered_the_organization_after_login(
    org, other_org, member_client
):
    client = member_client(org, Role.ANALYST)
    Membership.objects.filter(pk=client.membership.pk).update(is_active=False)

    response = client.get(reverse("start"))

    assert response.status_code == 200
    assert "You are not an active member of any organization." in response.content.decode()


def test_last_admin_cannot_demote_themselves(admin_client_org, org):
    me = admin_client_org.membership

    response = admin_client_org.post(
        url("change_role", org, me), {"role": Role.CHAMPION}, follow=True
    )

    assert "The last active administrator cannot be given another role." in messages_of(response)
    me.refresh_from_db()
    assert me.role == Role.ADMIN
    assert not core_audit_events().exists()


def test_last_admin_cannot_deactivate_themselves(admin_client_org, org):
    me = admin_client_org.membership

    response = admin_client_org.post(url("deactivate", org, me), follow=True)

    assert "The last active administrator cannot be deactivated." in messages_of(response)
    me.refresh_from_db()
    assert me.is_active
    assert not core_audit_events().exists()


def test_a_deactivated_admin_does_not_count_as_another_admin(admin_client_org, org, make_member):
    make_member(org, Role.ADMIN, is_active=False)

    admin_client_org.post(url("change_role", org, admin_client_org.membership), {"role": "leader"})

    admin_client_org.membership.refresh_from_db()
    assert admin_client_org.membership.role == Role.ADMIN


def test_an_admin_may_step_down_when_another_admin_remains(admin_client_org, org, make_member):
    make_member(org, Role.ADMIN)

    admin_client_org.post(url("change_role", org, admin_client_org.membership), {"role": "leader"})

    admin_client_org.membership.refresh_from_db()
    assert admin_client_org.membership.role == Role.LEADER
    # No longer an admin: the admin pages are now forbidden.
    members = reverse("core:members", kwargs={"org_slug": org.slug})
    assert admin_client_org.get(members).status_code == 403


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("change_role", {"role": Role.CHAMPION}),
        ("deactivate", {}),
        ("reactivate", {}),
    ],
)
def test_another_organizations_membership_id_is_404(
    admin_client_org, org, other_org, make_member, name, data
):
    theirs = make_member(other_org, Role.ADMIN, is_active=name != "reactivate")
    before = Membership.objects.values().get(pk=theirs.pk)

    response = admin_client_org.post(url(name, org, theirs), data)

    assert response.status_code == 404
    assert Membership.objects.values().get(pk=theirs.pk) == before
    assert not core_audit_events().exists()


def test_admin_writes_require_post(admin_client_org, org, make_member):
    member = make_member(org, Role.CHAMPION)
    # GET only asks for confirmation (issue 16); reactivation has no question to ask.
    assert admin_client_org.get(url("deactivate", org, member)).status_code == 200
    assert admin_client_org.get(url("reactivate", org, member)).status_code == 405
    member.refresh_from_db()
    assert member.is_active
