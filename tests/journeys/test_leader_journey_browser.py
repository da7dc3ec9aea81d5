"""The Leader's journey of DESIGN §1 on the demo data, as one session in Chromium: open the
overview (progress through the five steps, priority measures, charters and campaigns), approve
the charter waiting for them from "Needs your attention", read the accreditation evidence,
prepare the board report as a job with its progress bar and download the PDF. axe finds no
serious or critical violation on any page visited."""

import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from equity_portal.core.models import AuditEvent
from vision.models import Charter

from .helpers import AxeWatch, log_in, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_reads_the_overview_and_downloads_the_board_report(page: Page, live_server):
    org = seed_demo()
    axe = AxeWatch(page)
    log_in(page, live_server, "leader@demo.test")

    # The overview: the viewer's role, every step's panel with numbers, the priority table.
    expect(page.get_by_test_id("viewer-role")).to_have_text("Leader")
    for step in ("Step 1: Commit", "Step 2: Learn", "Step 3: Data", "Step 4: Vision",
                 "Step 5: Improve"):  # fmt: skip
        expect(page.get_by_role("heading", name=step)).to_be_visible()
    expect(page.get_by_text("Self-assessment score")).to_be_visible()
    expect(page.get_by_text("REaL completeness")).to_be_visible()
    expect(page.get_by_role("heading", name="Priority measures")).to_be_visible()
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    goal_row = page.locator("table.priority-table tbody tr").first
    expect(goal_row).to_contain_text("Variation:")
    expect(goal_row.locator("polyline").first).to_be_attached()
    axe.check()

    # Approve the charter waiting for the leader, straight from the attention list.
    page.get_by_role("link", name=re.compile("Equal access across languages: waiting")).click()
    axe.check()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Approved by Lee Leader")).to_be_visible()
    assert Charter.objects.get(organization=org, title="Equal access across languages").status == (
        "approved"
    )
    page.get_by_role("link", name="Overview").first.click()
    expect(page.get_by_text("waiting for your approval")).to_have_count(0)

    # The accreditation evidence pack.
    page.get_by_role("link", name="Accreditation evidence").click()
    expect(page.get_by_role("heading", name="Accreditation evidence pack")).to_be_visible()
    expect(page.get_by_text("TJC-HE-3: Quality and safety data are stratified")).to_be_visible()
    axe.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLSX").click()
    assert download.value.suggested_filename == "evidence-pack-demo.xlsx"

    # The board report: the printable page, then the PDF prepared by a job.
    page.get_by_role("link", name="Overview").first.click()
    page.get_by_role("link", name="Board report").click()
    expect(page.get_by_role("heading", name="Health equity board report")).to_be_visible()
    expect(page.get_by_role("heading", name="Methods in plain words")).to_be_visible()
    axe.check()
    page.get_by_role("button", name="Prepare the PDF").click()
    expect(page.get_by_role("heading", name="Board report (PDF)")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_be_visible()
    link = page.get_by_role("link", name="Download the board report (PDF)")
    expect(link).to_be_visible(timeout=60_000)
    axe.check()
    with page.expect_download() as download:
        link.click()
    pdf = PdfReader(download.value.path())
    text = "\n".join(p.extract_text() for p in pdf.pages)
    assert "Progress through the five steps" in text and "Demo Health System" in text
    assert AuditEvent.objects.filter(organization=org, action="board_report.download").exists()

    assert axe.failures == [], "\n".join(axe.failures)
    assert len(axe.checked) >= 4
