"""`manage.py seed_demo` is idempotent, creates exactly the demo organizations and users of
issue 3, and every demo user can log in through the login form."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from equity_portal.core.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD
from equity_portal.core.models import Membership, Organization, User

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("champion@demo.test", "demo", "champion"),
    ("analyst@demo.test", "demo", "analyst"),
    ("leader@demo.test", "demo", "leader"),
    ("admin@demo.test", "demo", "admin"),
    ("admin@riverside.test", "riverside", "admin"),
    ("analyst@riverside.test", "riverside", "analyst"),
}


def _state():
    return (
        set(Organization.objects.values_list("slug", "name")),
        set(
            Membership.objects.filter(is_active=True).values_list(
                "user__email", "organization__slug", "role"
            )
        ),
        User.objects.count(),
    )


@pytest.mark.parametrize("args", [["--skip-content"], []], ids=["skip-content", "with-content"])
def test_seed_demo_is_idempotent_and_creates_the_listed_users(args, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", *args, verbosity=0)
    first = _state()
    call_command("seed_demo", *args, verbosity=0)

    assert _state() == first
    organizations, memberships, users = first
    assert organizations == {("demo", "Demo Health System"), ("riverside", "Riverside Clinics")}
    assert memberships == EXPECTED
    assert users == len(EXPECTED)


def test_seed_demo_with_content_after_skip_content_is_still_idempotent():
    call_command("seed_demo", "--skip-content", verbosity=0)
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert _state()[1] == EXPECTED


def test_seed_demo_restores_a_demo_membership_changed_by_hand():
    call_command("seed_demo", "--skip-content", verbosity=0)
    Membership.objects.filter(user__email="leader@demo.test").update(
        role="champion", is_active=False
    )

    call_command("seed_demo", "--skip-content", verbosity=0)

    assert _state()[1] == EXPECTED


@pytest.mark.parametrize("email", sorted(e for e, _, _ in EXPECTED))
def test_each_demo_user_logs_in_with_the_default_password(email, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--skip-content", verbosity=0)
    slug = email.split("@")[1].split(".")[0]

    response = Client().post(
        reverse("login"), {"username": email, "password": DEFAULT_DEMO_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("overview:index", kwargs={"org_slug": slug})
    assert response.status_code == 200


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-passphrase-7")
    call_command("seed_demo", "--skip-content", verbosity=0)
    assert User.objects.get(email="admin@demo.test").check_password("another-demo-passphrase-7")


def test_the_default_demo_password_passes_the_validators():
    for email, _, _ in EXPECTED:
        validate_password(DEFAULT_DEMO_PASSWORD, user=User(email=email))
