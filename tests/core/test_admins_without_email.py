"""Admins without email (issue 16 item 6): with the console backend the members page shows each
pending invitation's link to copy; deactivating asks for confirmation first; the navbar shows
the user's role in the current organization."""

import pytest
from django.urls import reverse

from equity_portal.core.models import AuditEvent, Invitation, Membership
from equity_portal.core.roles import Role

pytestmark = pytest.mark.django_db

CONSOLE = "django.core.mail.backends.console.EmailBackend"


def _members_url(org):
    return reverse("core:members", kwargs={"org_slug": org.slug})


def _invite(client, org, email="new.person@alice.test"):
    client.post(
        reverse("core:invite", kwargs={"org_slug": org.slug}), {"email": email, "role": "analyst"}
    )
    return Invitation.objects.get(organization=org, email=email)


def test_console_backend_shows_each_pending_invitations_link(org, member_client, settings):
    settings.EMAIL_BACKEND = CONSOLE
    client = member_client(org, Role.ADMIN)
    invitation = _invite(client, org)

    html = client.get(_members_url(org)).content.decode()

    link = "http://testserver" + reverse("invitation_accept", args=[invitation.token])
    assert f'value="{link}"' in html
    assert f'data-copy-target="invitation-link-{invitation.pk}"' in html
    assert "js/copy-link" in html
    assert "Email is not configured here" in html


def test_configured_email_hides_the_links(org, member_client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = member_client(org, Role.ADMIN)
    invitation = _invite(client, org)

    html = client.get(_members_url(org)).content.decode()

    assert invitation.token not in html
    assert "data-copy-target" not in html


def test_deactivation_asks_for_confirmation_first(org, member_client, make_member):
    client = member_client(org, Role.ADMIN)
    ann = make_member(org, Role.ANALYST)
    url = reverse("core:deactivate", kwargs={"org_slug": org.slug, "pk": ann.pk})

    members_page = client.get(_members_url(org)).content.decode()
    assert f'href="{url}"' in members_page  # a link to the question, not a one-click POST

    question = client.get(url)
    assert question.status_code == 200
    assert f"Deactivate {ann.user.display_name}?" in question.content.decode()
    assert Membership.objects.get(pk=ann.pk).is_active
    assert not AuditEvent.objects.filter(action="membership.deactivate").exists()

    client.post(url)
    assert not Membership.objects.get(pk=ann.pk).is_active


def test_non_admins_cannot_see_the_question(org, member_client, make_member):
    ann = make_member(org, Role.ANALYST)
    client = member_client(org, Role.LEADER)
    url = reverse("core:deactivate", kwargs={"org_slug": org.slug, "pk": ann.pk})
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_navbar_shows_the_role_in_the_current_organization(org, member_client, role):
    client = member_client(org, role)
    html = client.get(reverse("overview:index", kwargs={"org_slug": org.slug})).content.decode()
    label = Role(role).label
    assert f'id="navbar-role"><span class="visually-hidden">role in {org.name}: </span>{label}' in (
        html
    )
