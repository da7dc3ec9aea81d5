"""The Equity champion's journey of DESIGN §1 on the demo data (`seed_demo`, its extract
processed) as one session in Chromium (issues 7 and 14): log in, take the readiness
self-assessment again, log a commitment, mark an item of the demo learning plan done, record a
PDSA cycle on the demo campaign and see it annotate the goal's chart; axe finds no serious or
critical violation on any page visited."""

import json
import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from commitments.models import Assessment, Commitment
from improvement.demo import DEMO_CAMPAIGN, demo_goal
from improvement.models import PDSACycle
from learning.models import ItemCompletion
from learning.receivers import DEMO_PLAN

from .helpers import AxeWatch, log_in, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMITMENT = "Report access measures by race, ethnicity and language every quarter"
REFLECTION = "Ask every patient which language they prefer; never assume it."
CHANGE_IDEA = "Screen at every visit, in the patient's language"


def test_champion_assesses_commits_learns_and_records_a_pdsa_cycle(page: Page, live_server):
    org = seed_demo()
    champion = org.memberships.get(user__email="champion@demo.test")
    assessments = Assessment.objects.filter(organization=org).count()
    cycles = PDSACycle.objects.filter(campaign__organization=org).count()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "champion@demo.test")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    main_nav = page.get_by_role("navigation", name="Main")
    axe = AxeWatch(page)
    axe.check()

    # 1. The readiness self-assessment, taken again: the demo has two already.
    main_nav.get_by_role("link", name="Commit").click()
    axe.check()
    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Self-assessment"
    ).click()
    axe.check()
    page.get_by_role("button", name="Take the self-assessment again").click()
    axe.check()
    questions = page.locator("fieldset")
    for i in range(questions.count()):
        questions.nth(i).get_by_label("Partly in place").check()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_role("status").filter(has_text="Self-assessment completed")).to_be_visible()
    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Self-assessment"
    ).click()
    expect(page.locator("#progress-chart .scatterlayer .trace").first).to_be_attached(
        timeout=20_000
    )  # the readiness chart, drawn by core/charts.js

    # 2. A commitment, owned by the champion, beside the demo's.
    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Commitments"
    ).click()
    page.get_by_role("link", name="Log a commitment").first.click()
    axe.check()
    page.get_by_label("We commit to").fill(COMMITMENT)
    page.get_by_label("Due date").fill("2031-06-30")
    page.get_by_role("button", name="Log commitment").click()
    expect(page.get_by_role("status").filter(has_text="Commitment logged.")).to_be_visible()

    # 3. An item of the demo's learning plan marked done, with a reflection.
    main_nav.get_by_role("link", name="Learn").click()
    page.get_by_role("link", name="Learning plans").click()
    page.get_by_role("link", name=DEMO_PLAN).click()
    axe.check()
    page.get_by_role("link", name=re.compile(r"^Mark done\s*:")).first.click()
    page.get_by_label("Reflection (optional)").fill(REFLECTION)
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("status").filter(has_text="marked done")).to_be_visible()

    # 4. A PDSA cycle on the demo campaign, which then marks the goal's charts.
    main_nav.get_by_role("link", name="Improve").click()
    axe.check()
    page.get_by_role("link", name=DEMO_CAMPAIGN).first.click()
    axe.check()
    page.get_by_role("link", name="Record a PDSA cycle").click()
    axe.check()
    page.get_by_label("Change idea tested").fill(CHANGE_IDEA)
    page.get_by_label("Question this cycle answers").fill("Does check-in screening reach more?")
    page.get_by_label(re.compile("Start date")).fill("2025-05-01")
    page.get_by_role("button", name="Record cycle").click()
    number = cycles + 1
    expect(
        page.get_by_role("status").filter(has_text=f"PDSA cycle {number} recorded.")
    ).to_be_visible()
    axe.check()
    with scopes_disabled():
        goal = demo_goal(org)
    page.get_by_role("link", name=goal.title).first.click()
    page.wait_for_load_state("load")
    marker = page.locator("#chart-gap .scatterlayer .trace").filter(
        has=page.locator("text", has_text=f"PDSA {number}")
    )
    expect(marker).to_have_count(1, timeout=20_000)
    figure = json.loads(page.locator("#chart-gap-data").text_content())
    annotations = next(t for t in figure["data"] if t.get("name") == "PDSA cycles")
    assert any(CHANGE_IDEA in text for text in annotations["hovertext"])
    axe.check()

    assert Assessment.objects.filter(organization=org).count() == assessments + 1
    commitment = Commitment.objects.get(organization=org, statement=COMMITMENT)
    assert commitment.owner_id == champion.pk
    assert ItemCompletion.objects.get(reflection=REFLECTION).item.plan.title == DEMO_PLAN
    assert PDSACycle.objects.get(change_idea=CHANGE_IDEA).recorded_by == champion.user
    assert axe.failures == [], "\n".join(axe.failures)
    assert errors == []
