"""The leader's part of the thread in Chromium (issue 12): open the disparities list, make a row a
priority, create a charter with a goal on it whose baseline fills in from the data hub, submit
it, and approve it as the leader; axe finds no serious or critical violation on any page."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from equity_portal.core.models import Team
from equity_portal.core.roles import Role
from tests.data_hub_results.factories import fixture_extract
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from vision.models import Charter, CharterGoal, PriorityInequity, ReviewStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLACK = "Black or African American"


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_leader_turns_a_disparity_into_an_approved_charter_goal(page: Page, live_server, org):
    fixture_extract(org, measures=2)
    leader = MembershipFactory(
        organization=org,
        role=Role.LEADER,
        user=UserFactory(email="lee@alice.test", full_name="Lee Leader"),
    )
    Team.objects.create(organization=org, name="Screening team", executive_sponsor=leader)
    visited: dict[str, list[str]] = {}

    def check(name: str) -> None:
        visited[name] = serious_violations(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("lee@alice.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))

    # 1. The disparities list: make the Black patients' screening gap a priority.
    page.goto(f"{live_server.url}/o/alice/data/results/disparities/")
    expect(page.get_by_role("heading", name="Disparities")).to_be_visible()
    check("disparities")
    row = page.locator(f'#disparities-table tr[data-measure="screen"][data-group="{BLACK}"]').first
    row.get_by_role("button", name=re.compile("Make this a priority")).click()
    expect(page.get_by_role("heading", name=re.compile("Make this a"))).to_be_visible()
    expect(page.locator("#priority-preview")).to_contain_text("+20.0 pp")
    check("make a priority")
    page.get_by_label("Rationale").fill("The largest screening gap; our partners raised it.")
    page.get_by_role("button", name="Make this a priority").click()
    expect(page.locator("#gap-then-now")).to_contain_text("+20.0 pp")
    check("priority")
    priority = PriorityInequity.objects.get(organization=org)
    assert (priority.group, priority.reference_group) == (BLACK, "White")

    # 2. A charter for the team, with a SMART goal on the priority.
    page.get_by_role("navigation", name="Vision").get_by_role("link", name="Charters").click()
    check("charters")
    page.get_by_role("link", name="New charter").click()
    page.get_by_label("Title").fill("Close the screening gap")
    page.get_by_label("Team").select_option(label="Screening team")
    page.get_by_label("Problem statement").fill("Black patients are screened less often.")
    check("new charter")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Close the screening gap")).to_be_visible()
    page.get_by_role("link", name="Add a SMART goal").click()
    check("new goal")
    page.get_by_label(re.compile("Priority inequity")).select_option(index=1)
    page.get_by_label("Goal").fill("Screening gap at most 5 points by 2027")
    page.get_by_label("Aim").select_option("difference")
    page.locator("#id_target").fill("5")
    page.get_by_label(re.compile("Target date")).fill("2027-12-31")
    page.get_by_role("button", name="Save the goal").click()
    # The baseline filled in from the data hub: Black 110/200 in 2025-Q2.
    baseline = page.locator("#baseline-table")
    expect(baseline).to_contain_text("2025-Q2")
    expect(baseline.locator('[data-col="rate"]')).to_contain_text("55.0%")
    expect(baseline.locator('[data-col="denominator"]')).to_have_text("200")
    check("goal")
    goal = CharterGoal.objects.get(organization=org)
    assert goal.baseline_rate == 0.55 and goal.target_value == 0.05

    page.get_by_role("link", name="Close the screening gap").first.click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Submitted for approval").first).to_be_visible()
    check("submitted charter")

    # 3. As the leader: approve.
    page.get_by_label("Comment").fill("Approved: report quarterly.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".badge", has_text="Approved").first).to_be_visible()
    expect(page.locator("#charter-history")).to_contain_text("charter.approve")
    check("approved charter")
    charter = Charter.objects.get(organization=org)
    assert charter.status == ReviewStatus.APPROVED and charter.decided_by == leader.user

    page.goto(f"{live_server.url}/o/alice/vision/")
    check("vision home")
    problems = {name: found for name, found in visited.items() if found}
    assert problems == {}, problems
