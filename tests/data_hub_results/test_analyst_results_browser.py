"""The analyst's journey continues in Chromium (DESIGN §1): log in through the form, explore
stratified results (charts drawn by the local plotly.js), open a disparity from the
disparities list, download the results CSV and check its header."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from equity_portal.core.roles import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

from .factories import fixture_extract
from .test_results_agree_with_engine import RESULTS_HEADER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_analyst_explores_results_opens_a_disparity_and_downloads_the_csv(
    page: Page, live_server, org
):
    fixture_extract(org, measures=2)
    MembershipFactory(
        organization=org,
        role=Role.ANALYST,
        user=UserFactory(email="ana@alice.test", full_name="Ana Analyst"),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("ana@alice.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))

    page.goto(f"{live_server.url}/o/alice/data/results/")
    expect(page.get_by_role("heading", name="Stratified results")).to_be_visible()
    page.get_by_label("Measure").select_option("readmit")
    page.get_by_label("Dimension or intersection").select_option("race_ethnicity")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"measure=readmit"))
    expect(
        page.get_by_role("heading", name=re.compile("Readmit rate by race_ethnicity"))
    ).to_be_visible()
    table = page.locator("#results-table")
    expect(table.locator('tr[data-group="American Indian or Alaska Native"]')).to_contain_text(
        "suppressed"
    )
    # plotly.js drew the rates chart from the local static file.
    expect(page.locator("#chart-rates .main-svg").first).to_be_visible()
    expect(page.locator("[data-provenance]")).to_contain_text("method version stats-2")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Disparities").click()
    expect(page.get_by_role("heading", name="Disparities")).to_be_visible()
    first = page.locator("#disparities-table tbody tr").first
    identity = first.get_attribute("data-identity")
    code, dimension, group = identity.split("|")
    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"measure={code}"))
    highlighted = page.locator(f'#results-table tr.table-warning[data-group="{group}"]')
    expect(highlighted).to_be_visible()
    expect(page.get_by_label("Dimension or intersection")).to_have_value(dimension)

    with page.expect_download() as download_info:
        page.locator('[data-download="results-csv"]').click()
    download = download_info.value
    assert download.suggested_filename.startswith("results-extract-")
    with open(download.path(), encoding="utf-8") as handle:
        assert handle.readline().rstrip("\n") == RESULTS_HEADER
