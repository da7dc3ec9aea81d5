"""Invite by email, accept (new or existing account), and every way an invitation goes wrong:
a clear message or a 404/410, and nothing changed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from equity_portal.core import services
from equity_portal.core.models import AuditEvent, Invitation, Membership, User
from equity_portal.core.roles import Role
from tests.factories import TEST_PASSWORD, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def core_audit_events():
    # Other apps audit their own setup of a new organization; these tests watch the core's.
    return AuditEvent.objects.filter(action__regex=r"^(invitation|membership|organization)\.")


NEW_PASSWORD = "a-long-unusual-passphrase-42"


def invite(client, org, *, email="new.person@example.test", role=Role.ANALYST):
    return client.post(
        reverse("core:invite", kwargs={"org_slug": org.slug}), {"email": email, "role": role}
    )


def accept_url(invitation) -> str:
    return reverse("invitation_accept", args=[invitation.token])


def test_invite_creates_an_audited_invitation_and_emails_the_link(
    admin_client_org, org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(admin_client_org, org, email=" New.Person@Example.test ")

    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=org)
    assert (invitation.email, invitation.role) == ("new.person@example.test", Role.ANALYST)
    assert invitation.invited_by == admin_client_org.user
    event = AuditEvent.objects.get(organization=org, action="invitation.create")
    assert event.actor == admin_client_org.user
    assert event.ip_address == "127.0.0.1"
    assert event.object_id == str(invitation.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.test"]
    assert "Alice Health" in message.subject
    assert f"http://testserver{accept_url(invitation)}" in message.body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": Role.ANALYST}, "Enter a valid email address."),
        ({"email": "a@b.test", "role": "superuser"}, "Select a valid choice."),
        ({"email": "", "role": Role.ANALYST}, "This field is required."),
    ],
    ids=["malformed-email", "unknown-role", "missing-email"],
)
def test_invalid_invitation_changes_nothing(admin_client_org, org, data, message):
    response = admin_client_org.post(reverse("core:invite", kwargs={"org_slug": org.slug}), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert not core_audit_events().exists()
    assert mail.outbox == []


def test_service_refuses_unknown_role_and_malformed_email(org, make_member):
    admin = make_member(org, Role.ADMIN).user
    with pytest.raises(ValidationError):
        services.invitation_create(
            organization=org, email="x@y.test", role="owner", invited_by=admin
        )
    with pytest.raises(ValidationError):
        services.invitation_create(organization=org, email="x@", role="analyst", invited_by=admin)
    assert not Invitation.objects.exists()


def test_duplicate_pending_invitation_is_refused(admin_client_org, org):
    InvitationFactory(organization=org, email="dup@example.test")

    response = invite(admin_client_org, org, email="DUP@example.test")

    assert response.status_code == 400
    assert "dup@example.test already has a pending invitation." in response.content.decode()
    assert Invitation.objects.count() == 1


def test_existing_member_cannot_be_invited(admin_client_org, org, make_member):
    member = make_member(org, Role.CHAMPION)

    response = invite(admin_client_org, org, email=member.user.email)

    assert response.status_code == 400
    assert "is already a member of Alice Health" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_expired_or_revoked_invitation_does_not_block_a_new_one(admin_client_org, org):
    InvitationFactory(organization=org, email="again@example.test", revoked_at=timezone.now())
    InvitationFactory(
        organization=org, email="again@example.test", expires_at=timezone.now() - timedelta(days=1)
    )

    assert invite(admin_client_org, org, email="again@example.test").status_code == 302
    assert Invitation.objects.count() == 3


def test_accept_as_new_user_creates_the_account_and_logs_in(org):
    invitation = InvitationFactory(organization=org, email="newbie@example.test", role=Role.LEADER)
    client = Client()

    page = client.get(accept_url(invitation))
    response = client.post(
        accept_url(invitation),
        {"full_name": "New Bie", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert page.status_code == 200 and "Join Alice Health" in page.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("overview:index", kwargs={"org_slug": org.slug})
    user = User.objects.get(email="newbie@example.test")
    assert user.full_name == "New Bie" and user.check_password(NEW_PASSWORD)
    membership = Membership.objects.get(user=user, organization=org)
    assert membership.role == Role.LEADER and membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_by == user and invitation.status == "accepted"
    assert client.get(response.url).status_code == 200  # logged in
    assert AuditEvent.objects.filter(action="invitation.accept", actor=user).exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "This password is too short."),
        ("password123", "This password is too common."),
        ("4815162342007", "This password is entirely numeric."),
        ("newbie-example", "The password is too similar to the email address."),
    ],
)
def test_accept_enforces_the_password_validators(org, password, message):
    invitation = InvitationFactory(organization=org, email="newbie@example.test")

    response = Client().post(
        accept_url(invitation),
        {"full_name": "New Bie", "password1": password, "password2": password},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="newbie@example.test").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_accept_with_different_passwords_is_refused(org):
    invitation = InvitationFactory(organization=org, email="newbie@example.test")
    response = Client().post(
        accept_url(invitation),
        {"full_name": "N", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="newbie@example.test").exists()


def test_accept_as_existing_logged_in_user_adds_the_membership(org, other_org):
    existing = MembershipFactory(organization=other_org, role=Role.ANALYST).user
    invitation = InvitationFactory(organization=org, email=existing.email.upper(), role=Role.ADMIN)
    client = Client()
    client.force_login(existing)

    assert "You are logged in as" in client.get(accept_url(invitation)).content.decode()
    response = client.post(accept_url(invitation))

    assert response.status_code == 302
    assert Membership.objects.get(user=existing, organization=org).role == Role.ADMIN
    assert Membership.objects.get(user=existing, organization=other_org).role == Role.ANALYST


def test_accept_with_an_existing_account_while_logged_out_asks_to_log_in(org):
    existing = UserFactory(email="known@example.test")
    invitation = InvitationFactory(organization=org, email=existing.email)

    response = Client().post(
        accept_url(invitation),
        {"full_name": "Someone", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert "An account with this email exists: log in first" in response.content.decode()
    assert not Membership.objects.filter(user=existing).exists()
    assert existing.check_password(TEST_PASSWORD)


def test_accept_as_the_wrong_logged_in_user_changes_nothing(org):
    invitation = InvitationFactory(organization=org, email="intended@example.test")
    intruder = UserFactory(email="intruder@example.test")
    client = Client()
    client.force_login(intruder)

    response = client.post(accept_url(invitation))

    assert response.status_code == 200
    assert "This invitation is for intended@example.test" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.parametrize(
    ("state", "fields"),
    [
        ("expired", {"expires_at": timezone.now() - timedelta(minutes=1)}),
        ("revoked", {"revoked_at": timezone.now()}),
        ("accepted", {"accepted_at": timezone.now()}),
    ],
)
def test_unusable_invitation_is_refused_with_a_clear_message(org, state, fields):
    invitation = InvitationFactory(organization=org, email="late@example.test", **fields)
    client = Client()

    page = client.get(accept_url(invitation))
    post = client.post(
        accept_url(invitation),
        {"full_name": "Late", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    for response in (page, post):
        assert response.status_code == 410
        assert f"The invitation has {state}" in response.content.decode()
    assert not User.objects.filter(email="late@example.test").exists()


def test_unknown_token_is_404():
    assert Client().get(reverse("invitation_accept", args=["no-such-token"])).status_code == 404


def test_double_post_of_accept_creates_one_membership(org):
    invitation = InvitationFactory(organization=org, email="twice@example.test")
    client = Client()
    data = {"full_name": "Twice", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    first = client.post(accept_url(invitation), data)
    second = client.post(accept_url(invitation), data)

    assert first.status_code == 302
    assert second.status_code == 410
    assert (
        Membership.objects.filter(organization=org, user__email="twice@example.test").count() == 1
    )
    assert AuditEvent.objects.filter(action="invitation.accept").count() == 1


def test_service_refuses_a_second_accept_of_a_stale_instance(org):
    invitation = InvitationFactory(organization=org, email="twice@example.test")
    stale_copy = Invitation.objects.get(pk=invitation.pk)
    services.invitation_accept(invitation=invitation, user=None, password=NEW_PASSWORD)
    user = User.objects.get(email="twice@example.test")

    with pytest.raises(ValidationError, match="accepted"):
        services.invitation_accept(invitation=stale_copy, user=user)
    assert Membership.objects.filter(user=user).count() == 1


def test_revoke_is_audited_and_ends_the_invitation(admin_client_org, org):
    invitation = InvitationFactory(organization=org, email="gone@example.test")

    response = admin_client_org.post(
        reverse("core:revoke_invitation", kwargs={"org_slug": org.slug, "pk": invitation.pk})
    )

    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    event = AuditEvent.objects.get(action="invitation.revoke")
    assert event.actor == admin_client_org.user and event.ip_address == "127.0.0.1"


def test_revoking_another_organizations_invitation_is_404(admin_client_org, org, other_org):
    theirs = InvitationFactory(organization=other_org)

    response = admin_client_org.post(
        reverse("core:revoke_invitation", kwargs={"org_slug": org.slug, "pk": theirs.pk})
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "pending"
    assert not core_audit_events().exists()


def test_email_is_not_sent_for_an_invitation_revoked_before_the_worker_ran(org):
    invitation = InvitationFactory(organization=org, revoked_at=timezone.now())
    assert services.invitation_email_send(invitation=invitation, accept_url="/x") is False
    assert mail.outbox == []


def test_invitation_email_is_sent_once(org):
    invitation = InvitationFactory(organization=org)

    assert services.invitation_email_send(invitation=invitation, accept_url="/x") is True
    assert services.invitation_email_send(invitation=invitation, accept_url="/x") is False

    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.emailed_at is not None
