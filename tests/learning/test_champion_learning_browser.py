"""The champion's Learn journey in Chromium: log in through the form, open the learning plan,
mark an item done with a reflection; the progress page draws its chart; no serious or critical
axe violations on the plan and progress pages."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from equity_portal.core.roles import Role
from learning.models import ItemCompletion
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.learning.factories import LearningPlanFactory, PlanItemFactory, ResourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFLECTION = "I will ask patients which language they prefer, not assume it."


@pytest.fixture
def plan(org):
    champion = MembershipFactory(
        organization=org, role=Role.CHAMPION, user=UserFactory(email="cam@alice.test")
    )
    plan = LearningPlanFactory(organization=org, assignee=champion, title="Cam's basics")
    due = timezone.localdate() + timedelta(days=14)
    PlanItemFactory(
        plan=plan,
        resource=ResourceFactory(organization=org, title="Language matters"),
        due_date=due,
    )
    return plan


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_champion_marks_a_learning_item_done_with_a_reflection(page: Page, live_server, plan):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("cam@alice.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))

    page.get_by_role("link", name="Learn", exact=True).first.click()
    expect(page.get_by_role("heading", name="Step 2: Learn")).to_be_visible()
    page.get_by_role("link", name="Learning plans").click()
    page.get_by_role("link", name="Cam's basics").click()
    expect(page.get_by_role("heading", name="Cam's basics")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name=re.compile(r"^Mark done\s*: Language matters$")).click()
    page.get_by_label("Reflection (optional)").fill(REFLECTION)
    page.get_by_role("button", name="Mark done").click()

    expect(page.get_by_role("status").filter(has_text="marked done")).to_be_visible()
    expect(page.get_by_text(REFLECTION)).to_be_visible()
    expect(page.get_by_role("cell", name="Done", exact=True)).to_be_visible()
    completion = ItemCompletion.objects.get()
    assert completion.reflection == REFLECTION

    page.get_by_role("link", name="Progress").click()
    # plotly.min.js is large: give it time to load and draw on a busy machine.
    expect(page.locator("#progress-chart .main-svg").first).to_be_attached(timeout=30_000)
    expect(page.get_by_role("cell", name="100.0").first).to_be_visible()
    assert serious_violations(page) == []
    assert errors == []
