"""The whole thread in one browser session (issue 13, Done when): from the disparities list to a
priority, a charter goal whose baseline comes from the data, approval by the leader, a campaign,
a champion recording a PDSA cycle that then appears as an annotation on the goal's chart; and
back from the chart to its charter, its priority and the explorer view. axe finds no serious or
critical violation on any page visited."""

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from equity_portal.core.models import Team
from equity_portal.core.roles import Role
from improvement.models import Campaign, PDSACycle
from tests.data_hub_results.factories import fixture_extract
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from vision.models import CharterGoal, ReviewStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLACK = "Black or African American"


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page: Page, live_server, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))


def test_the_thread_from_a_disparity_to_a_pdsa_annotation_and_back(page: Page, live_server, org):
    fixture_extract(org, measures=2)
    leader = MembershipFactory(
        organization=org,
        role=Role.LEADER,
        user=UserFactory(email="lee@alice.test", full_name="Lee Leader"),
    )
    MembershipFactory(
        organization=org,
        role=Role.CHAMPION,
        user=UserFactory(email="casey@alice.test", full_name="Casey Champion"),
    )
    Team.objects.create(organization=org, name="Screening team", executive_sponsor=leader)
    visited: dict[str, list[str]] = {}

    def check(name: str) -> None:
        visited[name] = serious_violations(page)

    # --- The leader: a disparity becomes a priority, then an approved charter goal.
    log_in(page, live_server, "lee@alice.test")
    page.goto(f"{live_server.url}/o/alice/data/results/disparities/")
    check("disparities")
    row = page.locator(f'#disparities-table tr[data-measure="screen"][data-group="{BLACK}"]').first
    row.get_by_role("button", name=re.compile("Make this a priority")).click()
    page.get_by_label("Rationale").fill("The largest screening gap; our partners raised it.")
    page.get_by_role("button", name="Make this a priority").click()
    expect(page.locator("#gap-then-now")).to_contain_text("+20.0 pp")
    page.get_by_role("navigation", name="Vision").get_by_role("link", name="Charters").click()
    page.get_by_role("link", name="New charter").click()
    page.get_by_label("Title").fill("Close the screening gap")
    page.get_by_label("Team").select_option(label="Screening team")
    page.get_by_label("Problem statement").fill("Black patients are screened less often.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a SMART goal").click()
    page.get_by_label(re.compile("Priority inequity")).select_option(index=1)
    page.get_by_label("Goal").fill("Screening gap at most 5 points by 2027")
    page.get_by_label("Aim").select_option("difference")
    page.locator("#id_target").fill("5")
    page.get_by_label(re.compile("Target date")).fill("2027-12-31")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.locator("#baseline-table")).to_contain_text("2025-Q2")  # from the data hub
    page.get_by_role("link", name="Close the screening gap").first.click()
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_label("Comment").fill("Approved: report quarterly.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".badge", has_text="Approved").first).to_be_visible()
    goal = CharterGoal.objects.get(organization=org)
    assert goal.charter.status == ReviewStatus.APPROVED and goal.baseline_rate == 0.55

    # --- The champion: a campaign on the goal and a PDSA cycle.
    log_in(page, live_server, "casey@alice.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Improve").click()
    check("improve")
    page.get_by_role("link", name="Goals and progress").click()
    expect(page.get_by_role("heading", name="Close the screening gap")).to_be_visible()
    check("goals")
    page.get_by_role("link", name="Screening gap at most 5 points by 2027").click()
    page.get_by_role("link", name="Start a campaign on this goal").click()
    page.get_by_label("Name").fill("Screening in the patient's language")
    page.get_by_role("combobox", name="Status").select_option("active")
    page.get_by_label("Start date").fill("2025-04-01")
    page.get_by_label(re.compile("Interventions")).fill("Reminder calls in the patient's language")
    check("new campaign")
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("status").filter(has_text="Campaign created.")).to_be_visible()
    check("campaign")
    page.get_by_role("link", name="Record a PDSA cycle").click()
    page.get_by_label("Change idea tested").fill("Reminder calls in the patient's language")
    page.get_by_label("Question this cycle answers").fill("Do reminder calls raise screening?")
    page.get_by_label("Prediction", exact=True).fill("Five points more in a quarter.")
    page.get_by_label(re.compile("Start date")).fill("2025-04-15")
    check("record a cycle")
    page.get_by_role("button", name="Record cycle").click()
    expect(page.get_by_role("status").filter(has_text="PDSA cycle 1 recorded.")).to_be_visible()
    check("cycle")
    campaign = Campaign.objects.get(organization=org)
    assert list(campaign.goals.all()) == [goal]
    assert PDSACycle.objects.get(campaign=campaign).recorded_by.email == "casey@alice.test"

    # --- The cycle is a dated annotation on the goal's charts; hover shows the change idea.
    page.get_by_role("link", name="Screening gap at most 5 points by 2027").first.click()
    page.wait_for_load_state("load")
    for chart in ("rates", "pchart", "gap"):
        marker = page.locator(f"#chart-{chart} .scatterlayer .trace").filter(
            has=page.locator("text", has_text="PDSA 1")
        )
        expect(marker).to_have_count(1, timeout=20_000)
        figure = json.loads(page.locator(f"#chart-{chart}-data").text_content())
        cycles = next(t for t in figure["data"] if t.get("name") == "PDSA cycles")
        assert cycles["x"] == ["2025-04-15"]
        assert "Reminder calls in the patient's language" in cycles["hovertext"][0]
    expect(page.get_by_role("heading", name="Is the gap closing?")).to_be_visible()
    check("goal chart")

    # --- And back: the charter, the priority and the explorer view.
    links = page.locator("#thread-links")
    links.get_by_role("link", name="Close the screening gap").click()
    expect(page.get_by_role("heading", name="Close the screening gap")).to_be_visible()
    check("charter")
    page.go_back()
    links.get_by_role("link", name=re.compile(BLACK)).click()
    expect(page.locator("#gap-then-now")).to_contain_text("+20.0 pp")
    check("priority")
    page.go_back()
    links.get_by_role("link", name="Explorer view of this measure").click()
    expect(page).to_have_url(re.compile(r"/data/results/"))
    expect(page.get_by_role("heading", name="Stratified results")).to_be_visible()
    expect(page.locator(f'tr[data-group="{BLACK}"].table-warning').first).to_be_visible()
    check("explorer")

    problems = {name: found for name, found in visited.items() if found}
    assert problems == {}, problems
