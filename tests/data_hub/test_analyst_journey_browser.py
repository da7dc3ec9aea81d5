"""The analyst's path of DESIGN §1 in Chromium: log in, upload an extract, map its columns,
watch the progress bar reach done, read the validation report. The job runs eagerly in-process
(Celery's eager mode), so the extract page opens on the finished progress fragment."""

import re

import pytest
from playwright.sync_api import Page, expect

from equity_portal.core.roles import Role
from tests.data_hub.factories import MeasureFactory, row, write_csv
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from tests.journeys.helpers import AxeWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_uploads_maps_and_reads_the_report(page: Page, live_server, org, tmp_path):
    MembershipFactory(organization=org, role=Role.ANALYST,
                      user=UserFactory(email="ann@alice.test"))  # fmt: off
    MeasureFactory(organization=org, code="A1C", name="HbA1c control")
    org.reject_tolerance_percent = 5
    org.save()
    rows = [row(f"TEST-{i:03d}", num=str(i % 2), race=["White", "Black"][i % 2]) for i in range(60)]
    rows.insert(10, row("TEST-BAD", num="4.5"))  # row 12 of the file
    headers = ["Patient ID", "Metric", "Period", "Met", "Eligible", "Race", "Ethnic Group",
               "Preferred Language", "Sex", "Age", "Payer", "Clinic"]  # fmt: off
    path = write_csv(tmp_path / "clinic-extract.csv", rows, headers=headers)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill("ann@alice.test")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/o/alice/$"))

    axe = AxeWatch(page)  # no serious or critical violation on any page of the journey
    axe.check()
    page.goto(f"{live_server.url}/o/alice/data/")
    axe.check()
    page.get_by_role("link", name="Upload", exact=True).click()
    axe.check()
    page.get_by_label("Extract file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()

    expect(
        page.get_by_role("heading", name="Map the columns of clinic-extract.csv")
    ).to_be_visible()
    expect(page.get_by_label("Field for column Patient ID")).to_have_value("patient_id")
    expect(page.get_by_label("Field for column Metric")).to_have_value("measure")
    expect(page.get_by_label("Field for column Clinic")).to_have_value("site")
    expect(page.get_by_text("TEST-001")).to_have_count(0)  # identifiers are masked
    axe.check()
    page.get_by_label("Field for column Eligible").select_option("denominator")
    page.get_by_role("button", name="Save mapping and process").click()

    progress = page.locator(".job-progress")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=30_000)
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(progress).to_contain_text("Done")

    expect(page.get_by_role("heading", name="Validation report")).to_be_visible()
    summary = page.locator("#validation-summary")
    expect(summary).to_contain_text("61")
    rejected = page.locator("#rejected-rows")
    expect(rejected).to_contain_text("12")
    expect(rejected).to_contain_text("numerator is not a non-negative whole number")
    expect(page.get_by_role("link", name="Download every rejected row (CSV)")).to_be_visible()
    axe.check()
    assert axe.failures == [], "\n".join(axe.failures)
