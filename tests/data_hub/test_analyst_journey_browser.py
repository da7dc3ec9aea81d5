"""The analyst's journey of DESIGN §1 on the demo data (`seed_demo`, its extract processed) as
one session in Chromium (issue 14): log in as the demo analyst, upload an extract of the demo's
measures, map its columns, watch the progress bar reach done, read the validation report (a
rejected row with its row number), then read the demo extract's stratified results,
disparities and data-quality report and export its results. The job runs eagerly in-process
(Celery's eager mode), so the extract page opens on the finished progress fragment. axe finds
no serious or critical violation on any page visited."""

import csv
import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from data_hub import format_guide
from data_hub.demo import DEMO_FILE_NAME
from data_hub.models import Extract, PublishedResult
from data_hub.quality.models import QualitySnapshot
from data_hub.results.selectors import disparity_queryset
from tests.data_hub.factories import write_csv
from tests.journeys.helpers import AxeWatch, log_in, seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The sample extract of the upload page's column guide (the demo's measures and generator),
# under the headers an EHR report might carry: "Eligible" is not recognized, so it is mapped.
EHR_HEADERS = ["Patient ID", "Metric", "Period", "Met", "Eligible", "Race", "Ethnic Group",
               "Preferred Language", "Sex", "Age", "Payer", "Clinic"]  # fmt: off
FILE_NAME = "clinic-extract.csv"


def _upload_file(folder):
    """201 rows: the 200 sample rows and, as row 12 of the file, one with a numerator of 4.5.
    One rejected row in 201 stays under the demo's tolerance (1%), so processing goes on."""
    rows = [list(r[: len(EHR_HEADERS)]) for r in format_guide.sample_rows()]
    bad = [*rows[0]]
    bad[0], bad[3] = "DEMO-BAD", "4.5"
    rows.insert(10, bad)
    return write_csv(folder / FILE_NAME, rows, headers=EHR_HEADERS), rows[0][0]


def test_analyst_uploads_maps_reads_the_report_and_explores_the_demo(
    page: Page, live_server, tmp_path
):
    org = seed_demo()
    with scopes_disabled():
        demo = Extract.objects.get(organization=org, original_name=DEMO_FILE_NAME)
        assert demo.status == Extract.Status.PROCESSED
        gaps = list(disparity_queryset(organization=org, extract=demo, sort="difference"))
        snapshot = QualitySnapshot.objects.get(extract=demo)
    assert org.reject_tolerance_percent == 1 and gaps
    path, first_patient = _upload_file(tmp_path)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, live_server, "analyst@demo.test")
    expect(page).to_have_url(re.compile(r"/o/demo/$"))
    axe = AxeWatch(page)
    axe.check()

    # 1. Upload and map: the recognized headers are suggested, the identifiers masked.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Data", exact=True).click()
    axe.check()
    hub_nav = page.get_by_role("navigation", name="Data hub")
    hub_nav.get_by_role("link", name="Upload", exact=True).click()
    axe.check()
    page.get_by_label("Extract file").set_input_files(str(path))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name=f"Map the columns of {FILE_NAME}")).to_be_visible()
    expect(page.get_by_label("Field for column Patient ID")).to_have_value("patient_id")
    expect(page.get_by_label("Field for column Metric")).to_have_value("measure")
    expect(page.get_by_label("Field for column Clinic")).to_have_value("site")
    expect(page.get_by_text(first_patient)).to_have_count(0)  # identifiers are masked
    axe.check()
    page.get_by_label("Field for column Eligible").select_option("denominator")
    page.get_by_role("button", name="Save mapping and process").click()

    # 2. The progress bar reaches done; the validation report names the rejected row.
    progress = page.locator(".job-progress")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(progress).to_contain_text("Done")
    expect(page.get_by_role("heading", name="Validation report")).to_be_visible()
    expect(page.locator("#validation-summary")).to_contain_text("201")
    rejected = page.locator("#rejected-rows")
    expect(rejected).to_contain_text("12")
    expect(rejected).to_contain_text("numerator is not a non-negative whole number")
    expect(page.get_by_role("link", name="Download every rejected row (CSV)")).to_be_visible()
    axe.check()
    with scopes_disabled():
        mine = Extract.objects.get(organization=org, original_name=FILE_NAME)
    assert mine.status == Extract.Status.PROCESSED
    assert (mine.rows_read, mine.rows_rejected) == (201, 1)

    # 3. The demo extract's disparities, chosen beside the new one; the largest gap first.
    hub_nav = page.get_by_role("navigation", name="Data hub")
    hub_nav.get_by_role("link", name="Disparities").click()
    axe.check()
    page.get_by_label("Extract", exact=True).select_option(str(demo.pk))
    page.get_by_role("button", name="Show").first.click()
    expect(page).to_have_url(re.compile(rf"extract={demo.pk}"))
    table = page.locator("#disparities-table")
    expect(table.locator("caption")).to_contain_text(f"{len(gaps)} significant disparit")
    top = gaps[0]
    first = table.locator("tbody tr").first
    expect(first).to_have_attribute(
        "data-identity", f"{top['measure__code']}|{top['dimension']}|{top['group']}"
    )
    axe.check()

    # 4. The gap in the results explorer: its group highlighted, the published counts.
    first.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Stratified results")).to_be_visible()
    highlighted = page.locator("#results-table tr.table-warning")
    expect(highlighted).to_have_attribute("data-group", top["group"])
    with scopes_disabled():
        published = PublishedResult.objects.get(
            extract=demo,
            measure__code=top["measure__code"],
            dimension=top["dimension"],
            group=top["group"],
            period_start=top["period_start"],
        )
    expect(highlighted.locator('[data-col="denominator"]')).to_have_attribute(
        "data-value", str(published.denominator)
    )
    expect(highlighted.locator('[data-col="numerator"]')).to_have_attribute(
        "data-value", str(published.numerator)
    )
    expect(highlighted.locator('[data-col="significant"]')).to_have_attribute("data-value", "true")
    expect(page.locator("#summary-table")).to_be_visible()
    axe.check()

    # 5. Export the demo extract's results (CSV): the same counts.
    with page.expect_download() as download:
        page.locator('[data-download="results-csv"]').click()
    with open(download.value.path(), encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    same = [
        r
        for r in exported
        if (r["measure"], r["dimension"], r["group"], r["period_label"])
        == (top["measure__code"], top["dimension"], top["group"], published.period_label)
    ]
    assert [r["denominator"] for r in same] == [str(published.denominator)]

    # 6. The demo extract's data-quality report: its patients, its completeness by period.
    page.get_by_role("navigation", name="Data hub").get_by_role("link", name="Data quality").click()
    expect(page).to_have_url(re.compile(rf"/o/demo/data/quality/\?extract={demo.pk}$"))
    expect(page.get_by_role("heading", name="Data quality")).to_be_visible()
    expect(page.get_by_text(f"{snapshot.patients} patients; computed")).to_be_visible()
    expect(page.locator("#completeness-by-period tbody tr")).not_to_have_count(0)
    axe.check()

    assert axe.failures == [], "\n".join(axe.failures)
    assert len(axe.checked) >= 8
    assert errors == []
