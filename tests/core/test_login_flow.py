"""After login: straight to the only organization, else the picker; account pages render;
organization settings refuse a suppression threshold below 11."""

import pytest
from django.test import Client
from django.urls import reverse

from equity_portal.core.models import AuditEvent, Organization
from equity_portal.core.roles import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    return client.post(
        reverse("login"), {"username": user.email, "password": TEST_PASSWORD}, follow=True
    )


def test_login_page_renders():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert 'autocomplete="username"' in response.content.decode()


def test_one_membership_goes_straight_to_the_organization(org):
    user = MembershipFactory(organization=org, role=Role.ANALYST).user

    response = login(Client(), user)

    assert response.redirect_chain[-1][0] == reverse("overview:index", kwargs={"org_slug": "alice"})
    assert response.context["organization"] == org


def test_several_memberships_get_the_picker(org, other_org):
    user = MembershipFactory(organization=org).user
    MembershipFactory(organization=other_org, user=user, role=Role.LEADER)

    response = login(Client(), user)

    assert response.redirect_chain[-1][0] == reverse("start")
    page = response.content.decode()
    assert "Choose an organization" in page
    assert "Alice Health" in page and "Charlie Clinics" in page


def test_login_honours_next(org):
    user = MembershipFactory(organization=org, role=Role.ADMIN).user
    members = reverse("core:members", kwargs={"org_slug": org.slug})

    response = Client().post(
        reverse("login"), {"username": user.email, "password": TEST_PASSWORD, "next": members}
    )

    assert response.url == members


def test_anonymous_start_redirects_to_login():
    response = Client().get(reverse("start"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["password_change", "password_change_done"], ids=["change", "change-done"]
)
def test_password_change_pages_render(name):
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse(name)).status_code == 200


def test_password_change_enforces_validators():
    user = UserFactory()
    client = Client()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete"]
)
def test_password_reset_pages_render(name):
    assert Client().get(reverse(name)).status_code == 200


def test_password_reset_sends_a_working_link(mailoutbox):
    user = UserFactory(email="forgetful@example.test")
    client = Client()

    client.post(reverse("password_reset"), {"email": user.email})

    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    form = client.get(path, follow=True)
    assert form.status_code == 200
    assert "new_password1" in form.content.decode()


SETTINGS = {
    "name": "Alice Health",
    "reject_tolerance_percent": "1.00",
    "raw_retention_days": 0,
    "completeness_target_percent": "95.00",
}


def test_settings_page_renders(admin_client_org, org):
    response = admin_client_org.get(
        reverse("core:organization_settings", kwargs={"org_slug": "alice"})
    )
    assert response.status_code == 200


@pytest.mark.parametrize("k", [10, 0, -5])
def test_settings_refuse_suppression_below_eleven(admin_client_org, org, k):
    url = reverse("core:organization_settings", kwargs={"org_slug": org.slug})

    response = admin_client_org.post(url, {**SETTINGS, "name": "Renamed", "suppression_k": k})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The suppression threshold cannot be below 11" in page
    # The header still shows the saved name, and nothing was saved or audited.
    assert "Renamed" not in page.split("<main")[0]
    org.refresh_from_db()
    assert (org.name, org.suppression_k) == ("Alice Health", 11)
    assert not AuditEvent.objects.filter(action="organization.update_settings").exists()


def test_settings_accept_a_higher_threshold(admin_client_org, org):
    url = reverse("core:organization_settings", kwargs={"org_slug": org.slug})

    response = admin_client_org.post(url, {**SETTINGS, "suppression_k": 30}, follow=True)

    assert "Settings saved." in response.content.decode()
    assert Organization.objects.get(pk=org.pk).suppression_k == 30
