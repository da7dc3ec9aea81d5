"""Log-in and sessions (issue 15, items 8 and 10): throttling by address as well as by account,
throttled password-reset emails, the idle timeout, the Content-Security-Policy header, and
audit events for log-in, failures, log-out, password change and reset."""

import re
import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from equity_portal.core.auth import IDLE_KEY
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = pytest.mark.django_db


def login(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_one_address_trying_many_accounts_is_locked_out(org, settings):
    settings.AXES_IP_FAILURE_LIMIT = 12
    users = [MembershipFactory(organization=org).user for _ in range(4)]
    client = Client()
    for user in users[:3]:
        for _ in range(4):  # under the per-account limit of 5
            login(client, user.email, "wrong-password")
    assert login(client, users[0].email, "wrong-password").status_code == 429

    # 12 failures from one address: even the right password of a fourth account is refused.
    assert login(client, users[3].email, TEST_PASSWORD).status_code == 429
    # The same account from another address still logs in.
    assert login(Client(), users[3].email, TEST_PASSWORD, ip="10.9.9.9").status_code == 302


def test_one_account_tried_from_many_addresses_is_locked_out(org):
    user = MembershipFactory(organization=org).user
    for n in range(5):
        login(Client(), user.email, "wrong-password", ip=f"10.0.1.{n}")

    assert login(Client(), user.email, TEST_PASSWORD, ip="10.0.2.1").status_code == 429


def test_password_reset_emails_are_throttled_per_address(org, settings):
    settings.PASSWORD_RESET_EMAILS_PER_HOUR = 3
    user = MembershipFactory(organization=org).user
    client = Client()
    for _ in range(6):
        response = client.post(reverse("password_reset"), {"email": user.email})
        assert response.status_code == 302  # the same answer every time
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_throttled_per_client_address(org, settings):
    settings.PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR = 4
    users = [MembershipFactory(organization=org).user for _ in range(6)]
    client = Client()
    for user in users:
        client.post(reverse("password_reset"), {"email": user.email}, REMOTE_ADDR="10.3.3.3")
    assert len(mail.outbox) == 4


def test_an_idle_session_is_signed_out(org, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    user = MembershipFactory(organization=org).user
    client = Client()
    client.force_login(user)
    home = reverse("overview:index", kwargs={"org_slug": org.slug})
    assert client.get(home).status_code == 200

    session = client.session
    session[IDLE_KEY] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(home)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays_signed_in(org, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 30
    user = MembershipFactory(organization=org).user
    client = Client()
    client.force_login(user)
    session = client.session
    session[IDLE_KEY] = int(time.time()) - 29 * 60
    session.save()
    home = reverse("overview:index", kwargs={"org_slug": org.slug})
    assert client.get(home).status_code == 200
    assert client.session[IDLE_KEY] > time.time() - 60  # the activity moved on


def test_every_page_sends_a_strict_content_security_policy(org, member_client):
    client = member_client(org, Role.ANALYST)
    for path in [reverse("login"), reverse("overview:index", kwargs={"org_slug": org.slug})]:
        policy = client.get(path)["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in re.split(r";\s*", policy) if part
        )
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]  # no inline script, no eval
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]


def _actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(user.pk), action__startswith="auth.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_log_in_failures_log_out_and_password_changes_are_audited(org):
    user = MembershipFactory(organization=org, role=Role.ANALYST).user
    client = Client()
    login(client, user.email, "wrong-password")
    login(client, user.email, TEST_PASSWORD)
    client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase-7",
            "new_password2": "a-new-long-passphrase-7",
        },
    )
    client.post(reverse("logout"))

    assert _actions(user) == [
        "auth.login_failed",
        "auth.login",
        "auth.password_change",
        "auth.logout",
    ]
    event = AuditEvent.objects.get(action="auth.login", object_id=str(user.pk))
    assert event.organization == org and event.ip_address == "10.0.0.1"


def test_a_password_reset_is_audited(org):
    user = MembershipFactory(organization=org).user
    client = Client()
    client.post(reverse("password_reset"), {"email": user.email})
    link = re.search(r"/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase-7", "new_password2": "a-new-long-passphrase-7"},
    )

    assert _actions(user) == ["auth.password_reset_requested", "auth.password_reset"]
