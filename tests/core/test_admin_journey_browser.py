"""The Admin journey of DESIGN §1 in Chromium, on the demo data: log in, invite a user, change a
role, deactivate a user, read the audit log; and no serious or critical axe violations on the
login and members pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from equity_portal.core.roles import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.journeys.helpers import AxeWatch, seed_demo
from tests.journeys.helpers import log_in as demo_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(org):
    admin = MembershipFactory(
        organization=org, role=Role.ADMIN, user=UserFactory(email="ada@alice.test")
    )
    champion = MembershipFactory(
        organization=org, role=Role.CHAMPION, user=UserFactory(email="cam@alice.test")
    )
    analyst = MembershipFactory(
        organization=org, role=Role.ANALYST, user=UserFactory(email="ann@alice.test")
    )
    return admin, champion, analyst


def log_in(page: Page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_admin_journey(page: Page, live_server):
    """On the demo organization of `seed_demo` (its content and processed extract): the
    demo admin invites, changes the demo champion's role and deactivates the demo analyst."""
    seed_demo()
    demo_log_in(page, live_server, "admin@demo.test")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    axe = AxeWatch(page)  # no serious or critical violation on any page of the journey
    axe.check()

    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users of Demo Health System")).to_be_visible()
    axe.check()

    # Invite a user.
    invite = page.locator("form", has=page.get_by_role("button", name="Send invitation"))
    invite.get_by_label("Email address").fill("new.analyst@demo.test")
    invite.get_by_label("Role").select_option("analyst")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status").filter(has_text="Invitation sent")).to_be_visible()
    expect(
        page.get_by_role("button", name="Revoke invitation of new.analyst@demo.test")
    ).to_be_visible()

    # Change a role.
    page.get_by_label("Role of champion@demo.test").select_option("leader")
    page.get_by_role("button", name="Change role of champion@demo.test").click()
    expect(page.get_by_text("champion@demo.test is now leader.")).to_be_visible()
    expect(page.get_by_label("Role of champion@demo.test")).to_have_value("leader")

    # Deactivate a user, after confirming.
    page.get_by_role("link", name="Deactivate analyst@demo.test").click()
    expect(page.get_by_role("heading", name="Deactivate")).to_be_visible()
    page.get_by_role("button", name="Deactivate analyst@demo.test").click()
    expect(page.get_by_text("analyst@demo.test deactivated.")).to_be_visible()
    expect(page.get_by_role("button", name="Reactivate analyst@demo.test")).to_be_visible()

    # Read the audit log (newest first, above the demo's own events).
    page.get_by_role("link", name="Audit log").click()
    axe.check()
    table = page.get_by_role("table")
    for action in ("invitation.create", "membership.change_role", "membership.deactivate"):
        expect(table.get_by_text(action, exact=True).first).to_be_visible()
    expect(table.get_by_text("admin@demo.test").first).to_be_visible()

    # Filter by action.
    page.get_by_label("Action").select_option("membership.deactivate")
    page.get_by_role("button", name="Filter").click()
    expect(table.get_by_text("membership.deactivate", exact=True)).to_have_count(1)
    expect(table.get_by_text("invitation.create", exact=True)).to_have_count(0)
    assert axe.failures == [], "\n".join(axe.failures)


def test_deactivated_user_cannot_reach_the_organization(page: Page, live_server, org, people):
    _, _, analyst = people
    analyst.is_active = False
    analyst.save(update_fields=["is_active"])

    log_in(page, live_server, "ann@alice.test")
    expect(page.get_by_text("You are not an active member of any organization.")).to_be_visible()
    response = page.goto(f"{live_server.url}/o/alice/")
    assert response.status == 404


def test_login_page_has_no_serious_accessibility_violations(page: Page, live_server, db):
    page.goto(f"{live_server.url}/accounts/login/")
    assert serious_violations(page) == []


def test_members_page_has_no_serious_accessibility_violations(page: Page, live_server, org, people):
    log_in(page, live_server, "ada@alice.test")
    page.goto(f"{live_server.url}/o/alice/admin/")
    expect(page.get_by_role("heading", name="Users of Alice Health")).to_be_visible()
    assert serious_violations(page) == []


def test_audit_log_page_has_no_serious_accessibility_violations(
    page: Page, live_server, org, people
):
    log_in(page, live_server, "ada@alice.test")
    page.goto(f"{live_server.url}/o/alice/admin/audit/")
    assert serious_violations(page) == []
