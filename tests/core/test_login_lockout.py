"""Login throttling with django-axes through the real login form (DESIGN §3)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(org):
    return MembershipFactory(organization=org).user


def login(client, email, password):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_five_failures_lock_the_account_with_a_clear_message(member):
    client = Client()
    for _ in range(4):
        response = login(client, member.email, "wrong-password")
        assert response.status_code == 200
        assert "Please enter a correct email address and password." in response.content.decode()

    locked = login(client, member.email, "wrong-password")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "locked for 15 minutes after 5 failed attempts" in page


def test_correct_password_is_still_refused_while_locked(member):
    client = Client()
    for _ in range(5):
        login(client, member.email, "wrong-password")

    response = login(client, member.email, TEST_PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account(member, org):
    other = MembershipFactory(organization=org).user
    client = Client()
    for _ in range(5):
        login(client, member.email, "wrong-password")

    assert login(client, other.email, TEST_PASSWORD).status_code == 302


def test_success_resets_the_failure_count(member):
    client = Client()
    for _ in range(4):
        login(client, member.email, "wrong-password")
    assert login(client, member.email, TEST_PASSWORD).status_code == 302
    client.logout()

    for _ in range(4):
        assert login(client, member.email, "wrong-password").status_code == 200
    assert login(client, member.email, TEST_PASSWORD).status_code == 302


def test_email_case_does_not_matter_for_login(member):
    client = Client()
    response = login(client, member.email.upper(), TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(member.pk)


def test_case_variants_share_one_lockout(member):
    client = Client()
    variants = [member.email, member.email.upper(), member.email.title()]
    for attempt in range(5):
        login(client, variants[attempt % 3], "wrong-password")

    response = login(client, member.email, TEST_PASSWORD)

    assert response.status_code == 429
