"""Community indicators: entered in a form, uploaded as CSV/XLSX (all rows or none, with
row-numbered errors), listed with filters, exported, shown beside the patient measure."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from data_hub.community.models import CommunityIndicator
from equity_portal.core.models import AuditEvent

from .conftest import url
from .factories import CommunityIndicatorFactory
from .helpers import read_csv

pytestmark = pytest.mark.django_db

HEADER = "indicator,geography,group,value,unit,source,year,dimension,measure\n"


def _upload(client, org, content: bytes, name="indicators.csv"):
    return client.post(url(org, "community:upload"), {"file": SimpleUploadedFile(name, content)})


def test_valid_csv_is_stored_and_audited(org, analyst, extract_and_measures):
    content = (
        HEADER
        + "Population share,Alice County,White,61.5,%,CHNA,2024,race_ethnicity,\n"
        + "Uninsured adults,Alice County,,12.25,%,local health department,2023,,screen\n"
    ).encode()
    response = _upload(analyst, org, content)
    assert response.status_code == 302
    rows = list(CommunityIndicator.objects.filter(organization=org).order_by("indicator"))
    assert [r.indicator for r in rows] == ["Population share", "Uninsured adults"]
    assert rows[1].source == "health_department" and rows[1].measure.code == "screen"
    assert AuditEvent.objects.filter(organization=org, action="community_indicator.import").exists()


def test_invalid_rows_store_nothing_and_are_listed_by_row_number(org, analyst):
    content = (
        HEADER
        + "Population share,Alice County,White,61.5,%,CHNA,2024,,\n"
        + "Bad value,Alice County,,lots,%,CHNA,2024,,\n"
        + "Bad source,Alice County,,1,%,newspaper,20x4,,nope\n"
    ).encode()
    response = _upload(analyst, org, content)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was stored" in html
    assert "row 3: value &#x27;lots&#x27; is not a number" in html
    assert "row 4:" in html and "newspaper" in html and "20x4" in html and "nope" in html
    assert not CommunityIndicator.objects.filter(organization=org).exists()


def test_missing_column_and_unreadable_file_get_one_message(org, analyst):
    response = _upload(analyst, org, b"indicator,geography\nx,y\n")
    assert "Missing column(s): group, value, unit, source, year." in response.content.decode()
    response = _upload(analyst, org, b"PK\x03\x04garbage", name="broken.xlsx")
    assert "The workbook cannot be read." in response.content.decode()


def test_xlsx_upload(org, analyst):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["indicator", "geography", "group", "value", "unit", "source", "year"])
    sheet.append(["Diabetes prevalence", "Alice County", "Asian", 9.1, "%", "payer", 2024])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _upload(analyst, org, buffer.getvalue(), name="c.xlsx").status_code == 302
    assert CommunityIndicator.objects.get(organization=org).source == "payer"


def test_form_entry_and_edit(org, analyst, extract_and_measures):
    _, measures = extract_and_measures
    data = {
        "indicator": "Food insecurity",
        "geography": "Alice County",
        "dimension": "",
        "group": "",
        "value": "14.2",
        "unit": "%",
        "source": "chna",
        "year": "2024",
        "measure": measures[0].pk,
    }
    assert analyst.post(url(org, "community:create"), data).status_code == 302
    indicator = CommunityIndicator.objects.get(organization=org)
    assert indicator.created_by == analyst.user
    data["value"] = "15"
    assert analyst.post(url(org, "community:edit", pk=indicator.pk), data).status_code == 302
    indicator.refresh_from_db()
    assert float(indicator.value) == 15.0
    assert analyst.post(url(org, "community:create"), {**data, "year": "1200"}).status_code == 200


def test_list_filters_paginates_and_exports(org, analyst):
    for i in range(30):
        CommunityIndicatorFactory(
            organization=org, indicator=f"Indicator {i:02d}", year=2020 + i % 3
        )
    CommunityIndicatorFactory(organization=org, indicator="Smoking", source="payer", year=2024)
    page = analyst.get(url(org, "community:index") + "?source=payer").content.decode()
    assert "Smoking" in page and "Indicator 00" not in page
    page = analyst.get(url(org, "community:index")).content.decode()
    assert "of 31" in page
    rows = read_csv(analyst.get(url(org, "community:export_csv") + "?year=2020"))
    assert len(rows) == 10 and set(rows[0]) >= {"indicator", "source", "year", "measure"}


def test_shown_beside_the_related_measure(org, analyst, extract_and_measures):
    _, measures = extract_and_measures
    CommunityIndicatorFactory(
        organization=org, indicator="County screening rate", measure=measures[0], value=58.0
    )
    html = analyst.get(url(org, "results:explorer") + "?measure=screen").content.decode()
    assert "County screening rate" in html
    html = analyst.get(url(org, "results:explorer") + "?measure=readmit").content.decode()
    assert "County screening rate" not in html
