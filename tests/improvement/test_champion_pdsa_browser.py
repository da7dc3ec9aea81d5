"""The Improve part of the champion's journey in Chromium: from an approved charter goal, start a
campaign, record a PDSA cycle, and see it as a dated annotation (hover: the change idea) on the
goal's charts, drawn by the local plotly.js; the accessible tables are there; no serious or
critical axe violations on the pages visited. On the demo organization of `seed_demo` (its extract
processed): the goal is the demo charter's, beside the demo campaign and its three cycles."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from improvement.demo import demo_goal
from improvement.models import PDSACycle
from tests.journeys.helpers import log_in, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_champion_records_a_pdsa_cycle_that_annotates_the_goal_chart(page: Page, live_server):
    org = seed_demo()
    with scopes_disabled():
        goal = demo_goal(org)
    log_in(page, live_server, "champion@demo.test")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Improve").click()
    expect(page.get_by_role("heading", name="Improve: campaigns")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Goals and progress").click()
    page.get_by_role("link", name=goal.title).click()
    expect(page.get_by_role("heading", name="Is the gap closing?")).to_be_visible()
    # plotly.min.js is large: the charts are drawn once the page has loaded
    page.wait_for_load_state("load")
    expect(page.locator("#chart-gap .scatterlayer .trace").first).to_be_attached(timeout=20_000)
    assert serious_violations(page) == []

    page.get_by_role("link", name="Start a campaign on this goal").click()
    page.get_by_label("Name").fill("Screen at every visit")
    page.get_by_label("Start date").fill("2024-06-01")
    page.get_by_role("combobox", name="Status").select_option("active")
    expect(page.get_by_role("checkbox", name=re.compile(re.escape(goal.title)))).to_be_checked()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Create campaign").click()
    expect(page.get_by_role("status").filter(has_text="Campaign created.")).to_be_visible()
    expect(page.get_by_text("No PDSA cycles yet.")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Record a PDSA cycle").click()
    page.get_by_label("Change idea tested").fill("Screen at check-in")
    page.get_by_label("Question this cycle answers").fill("Does check-in screening reach more?")
    page.get_by_label("Prediction", exact=True).fill("Ten points more in a quarter.")
    page.get_by_label(re.compile("Start date")).fill("2024-08-05")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Record cycle").click()
    expect(page.get_by_role("status").filter(has_text="PDSA cycle 1 recorded.")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name=goal.title).first.click()
    page.wait_for_load_state("load")
    annotation = page.locator("#chart-gap .scatterlayer .trace").filter(
        has=page.locator("text", has_text="PDSA 1")
    )
    expect(annotation).to_have_count(1, timeout=20_000)
    expect(page.get_by_role("link", name=re.compile("PDSA 1: Screen at check-in"))).to_be_visible()
    page.locator('section[data-chart="gap"] summary').click()
    expect(page.locator('table[data-chart-table="gap"]')).to_be_visible()
    assert serious_violations(page) == []
    with scopes_disabled():
        cycle = PDSACycle.objects.get(change_idea="Screen at check-in")
    assert cycle.recorded_by.email == "champion@demo.test"
    assert cycle.campaign.name == "Screen at every visit"
