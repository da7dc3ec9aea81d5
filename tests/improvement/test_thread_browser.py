"""The whole thread in one browser session (issue 13, Done when): from the disparities list to a
priority, a charter goal whose baseline comes from the data, approval by the leader, a campaign,
a champion recording a PDSA cycle that then appears as an annotation on the goal's chart; and
back from the chart to its charter, its priority and the explorer view. axe finds no serious or
critical violation on any page visited. It runs on the demo organization of `seed_demo`, its
extract processed, beside the demo's own priorities, charters and campaign."""

import json
import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from improvement.models import Campaign, PDSACycle
from tests.journeys.helpers import AxeWatch, log_in, seed_demo
from vision.demo import DEMO_TEAM
from vision.models import CharterGoal, PriorityInequity, ReviewStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTER = "Close the thread's gap"
GOAL = "Thread gap at most 5 points by 2027"
CHANGE_IDEA = "Reminder calls in the patient's language"
CAMPAIGN = "Reminders in the patient's language"


def _new_disparity(page: Page, org) -> tuple[str, str, str]:
    """(measure, dimension, group) of the first disparity on the page that is no priority yet
    (the demo made two already), a single dimension."""
    with scopes_disabled():
        taken = set(
            PriorityInequity.objects.filter(organization=org).values_list(
                "measure", "dimension", "group"
            )
        )
    rows = page.locator("#disparities-table tbody tr")
    for i in range(rows.count()):
        row = rows.nth(i)
        key = tuple(row.get_attribute(a) for a in ("data-measure", "data-dimension", "data-group"))
        if key not in taken and " x " not in key[1] and "__" not in key[1]:
            return key
    raise AssertionError("no disparity of the demo data is left to make a priority")


def test_the_thread_from_a_disparity_to_a_pdsa_annotation_and_back(page: Page, live_server):
    org = seed_demo()
    axe = AxeWatch(page)

    # --- The leader: a disparity of the demo data becomes a priority, then an approved goal.
    log_in(page, live_server, "leader@demo.test")
    page.goto(f"{live_server.url}/o/demo/data/results/disparities/")
    axe.check()
    measure, dimension, group = _new_disparity(page, org)
    row = page.locator(
        f'#disparities-table tr[data-measure="{measure}"][data-dimension="{dimension}"]'
        f'[data-group="{group}"]'
    ).first
    gap = row.locator("td[data-value]").first.text_content().strip()  # "+12.3 pp"
    row.get_by_role("button", name=re.compile("Make this a priority")).click()
    axe.check()
    page.get_by_label("Rationale").fill("A large gap in our own data; our partners raised it.")
    page.get_by_role("button", name="Make this a priority").click()
    expect(page.locator("#gap-then-now")).to_contain_text(gap)
    priority_pk = re.search(r"/priorities/(\d+)/", page.url).group(1)
    page.get_by_role("navigation", name="Vision").get_by_role("link", name="Charters").click()
    page.get_by_role("link", name="New charter").click()
    page.get_by_label("Title").fill(CHARTER)
    page.get_by_label("Team").select_option(label=DEMO_TEAM)
    page.get_by_label("Problem statement").fill(f"{group} patients fare worse on this measure.")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add a SMART goal").click()
    page.get_by_label(re.compile("Priority inequity")).select_option(priority_pk)
    page.get_by_label("Goal").fill(GOAL)
    page.get_by_label("Aim").select_option("difference")
    page.locator("#id_target").fill("5")
    page.get_by_label(re.compile("Target date")).fill("2027-12-31")
    page.get_by_role("button", name="Save the goal").click()
    expect(page.locator("#baseline-table")).to_be_visible()  # the baseline, from the data hub
    axe.check()
    page.get_by_role("link", name=CHARTER).first.click()
    page.get_by_role("button", name="Submit for approval").click()
    page.get_by_label("Comment").fill("Approved: report quarterly.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".badge", has_text="Approved").first).to_be_visible()
    with scopes_disabled():
        goal = CharterGoal.objects.get(organization=org, title=GOAL)
        assert goal.charter.status == ReviewStatus.APPROVED and goal.group == group
        assert goal.baseline_difference is not None

    # --- The champion: a campaign on the goal and a PDSA cycle.
    page.context.clear_cookies()
    log_in(page, live_server, "champion@demo.test")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Improve").click()
    axe.check()
    page.get_by_role("link", name="Goals and progress").click()
    expect(page.get_by_role("heading", name=CHARTER)).to_be_visible()
    axe.check()
    page.get_by_role("link", name=GOAL).click()
    page.get_by_role("link", name="Start a campaign on this goal").click()
    page.get_by_label("Name").fill(CAMPAIGN)
    page.get_by_role("combobox", name="Status").select_option("active")
    page.get_by_label("Start date").fill("2025-04-01")
    page.get_by_label(re.compile("Interventions")).fill(CHANGE_IDEA)
    axe.check()
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("status").filter(has_text="Campaign created.")).to_be_visible()
    axe.check()
    page.get_by_role("link", name="Record a PDSA cycle").click()
    page.get_by_label("Change idea tested").fill(CHANGE_IDEA)
    page.get_by_label("Question this cycle answers").fill("Do reminder calls close the gap?")
    page.get_by_label("Prediction", exact=True).fill("Five points less in a quarter.")
    page.get_by_label(re.compile("Start date")).fill("2025-04-15")
    axe.check()
    page.get_by_role("button", name="Record cycle").click()
    expect(page.get_by_role("status").filter(has_text="PDSA cycle 1 recorded.")).to_be_visible()
    axe.check()
    with scopes_disabled():
        campaign = Campaign.objects.get(organization=org, name=CAMPAIGN)
        assert list(campaign.goals.all()) == [goal]
        assert PDSACycle.objects.get(campaign=campaign).recorded_by.email == "champion@demo.test"

    # --- The cycle is a dated annotation on the goal's charts; hover shows the change idea.
    page.get_by_role("link", name=GOAL).first.click()
    page.wait_for_load_state("load")
    for chart in ("rates", "pchart", "gap"):
        marker = page.locator(f"#chart-{chart} .scatterlayer .trace").filter(
            has=page.locator("text", has_text="PDSA 1")
        )
        expect(marker).to_have_count(1, timeout=20_000)
        figure = json.loads(page.locator(f"#chart-{chart}-data").text_content())
        cycles = next(t for t in figure["data"] if t.get("name") == "PDSA cycles")
        assert cycles["x"] == ["2025-04-15"]
        assert CHANGE_IDEA in cycles["hovertext"][0]
    expect(page.get_by_role("heading", name="Is the gap closing?")).to_be_visible()
    axe.check()

    # --- And back: the charter, the priority and the explorer view.
    links = page.locator("#thread-links")
    links.get_by_role("link", name=CHARTER).click()
    expect(page.get_by_role("heading", name=CHARTER)).to_be_visible()
    axe.check()
    page.go_back()
    links.get_by_role("link", name=re.compile(re.escape(group))).click()
    expect(page.locator("#gap-then-now")).to_contain_text(gap)
    axe.check()
    page.go_back()
    links.get_by_role("link", name="Explorer view of this measure").click()
    expect(page).to_have_url(re.compile(r"/data/results/"))
    expect(page.get_by_role("heading", name="Stratified results")).to_be_visible()
    expect(page.locator(f'tr[data-group="{group}"]').first).to_be_visible()
    axe.check()

    assert axe.failures == [], "\n".join(axe.failures)
    assert len(axe.checked) >= 10
