"""The Commit half of the Equity champion journey (DESIGN §1) in Chromium: log in through the
form, complete the self-assessment, log a commitment; the progress chart renders from the local
plotly.js; no serious or critical axe violations on the pages visited."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from equity_portal.core.roles import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_champion_completes_the_self_assessment_and_logs_a_commitment(page: Page, live_server, org):
    MembershipFactory(
        organization=org,
        role=Role.CHAMPION,
        user=UserFactory(email="casey@alice.test", full_name="Casey Champion"),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("casey@alice.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))

    # Step 1 from the main navigation; the landing page says where to start.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Commit").click()
    expect(page.get_by_role("heading", name="Step 1: Commit")).to_be_visible()
    page.get_by_role("button", name="Start the self-assessment").click()
    expect(page.get_by_role("button", name="Complete the assessment")).to_be_visible()
    assert serious_violations(page) == []

    questions = page.locator("fieldset")
    count = questions.count()
    assert count > 5
    # No stratified access data yet (first question), everything else partly in place.
    questions.nth(0).get_by_label("Not started").check()
    questions.nth(0).get_by_label("Evidence notes").fill("No access report by race yet.")
    for i in range(1, count):
        questions.nth(i).get_by_label("Partly in place").check()
    page.get_by_role("button", name="Complete the assessment").click()

    expect(page.get_by_role("status").filter(has_text="Self-assessment completed")).to_be_visible()
    expect(page.get_by_role("heading", name="Suggested next actions")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile("No stratified access data yet"))
    ).to_be_visible()
    expect(page.get_by_text("No access report by race yet.")).to_be_visible()
    assert serious_violations(page) == []

    # The progress chart is drawn by the locally served plotly.js, with its table beside it.
    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Self-assessment"
    ).click()
    expect(page.locator("#progress-chart .scatterlayer .trace").first).to_be_attached()
    assert page.locator("#progress-chart .scatterlayer .trace").count() == 7  # 6 domains + overall
    expect(page.get_by_role("table").first).to_be_attached()

    # Log a commitment.
    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Commitments"
    ).click()
    expect(page.get_by_text("No commitments yet.")).to_be_visible()
    page.get_by_role("link", name="Log the first commitment").click()
    page.get_by_label("We commit to").fill(
        "Report access measures by race, ethnicity and language every quarter"
    )
    expect(page.get_by_label("Owner")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Due date").fill("2031-06-30")
    page.get_by_role("combobox", name=re.compile(r"^Step")).select_option("data")
    page.get_by_role("button", name="Log commitment").click()

    expect(page.get_by_role("status").filter(has_text="Commitment logged.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Report access measures by race, ethnicity and language")
    ).to_be_visible()
    expect(page.get_by_text("logged as planned")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("navigation", name="Commit step").get_by_role(
        "link", name="Commitments"
    ).click()
    row = page.get_by_role("row", name=re.compile("Report access measures"))
    expect(row).to_contain_text("Casey Champion")
    expect(row).to_contain_text("2031-06-30")
    assert serious_violations(page) == []
