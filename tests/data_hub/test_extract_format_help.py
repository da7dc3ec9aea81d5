"""Help with the extract format (issue 16 item 2): the column guide, the sample extract and the
header-only template (CSV and XLSX), and the undefined-measure step that asks for a category."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from data_hub import format_guide, mapping
from data_hub.models import Extract, Measure
from tests.data_hub.factories import ingest, row, write_csv

pytestmark = pytest.mark.django_db


def _file(client, org, kind, file_format):
    return client.get(
        reverse(
            "data_hub:extract_format_file",
            kwargs={"org_slug": org.slug, "kind": kind, "file_format": file_format},
        )
    )


def _define_sample_measures(org):
    for m in format_guide.sample_measures():
        Measure.objects.create(
            organization=org, code=m.code, name=m.name, direction=m.direction, category=m.category
        )


def test_guide_lists_every_field_with_requirement_spellings_and_an_example(org, member_client):
    client = member_client(org, "champion")
    html = client.get(reverse("data_hub:extract_format", args=[org.slug])).content.decode()
    for target in mapping.TARGETS:
        assert f'<code class="small">{target}</code>' in html
        assert mapping.TARGET_LABELS[target] in html
    assert html.count('<span class="badge text-bg-primary">required</span>') == len(
        mapping.REQUIRED[mapping.LONG]
    )
    assert html.count('<span class="badge text-bg-info">expected</span>') == 3  # race, eth., lang.
    assert "<code>mrn</code>" in html and "<code>preferred language</code>" in html
    assert "DEMO-000000" in html  # the example row
    for kind in ("sample", "template"):
        for fmt in ("csv", "xlsx"):
            assert f"extract-format/{kind}.{fmt}" in html


def test_upload_page_and_empty_data_hub_link_the_guide(org, member_client):
    client = member_client(org, "analyst")
    guide = reverse("data_hub:extract_format", args=[org.slug])
    assert guide in client.get(reverse("data_hub:upload", args=[org.slug])).content.decode()
    index = client.get(reverse("data_hub:index", args=[org.slug])).content.decode()
    assert "No extracts yet." in index and guide in index


def test_sample_csv_has_200_rows_and_ingests_with_nothing_rejected(org, member_client, tmp_path):
    _define_sample_measures(org)
    response = _file(member_client(org, "analyst"), org, "sample", "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == format_guide.SAMPLE_HEADERS and len(rows) == 201
    assert all(r[0].startswith("DEMO-") for r in rows[1:])
    path = tmp_path / "extract-sample.csv"
    path.write_bytes(response.content)

    extract = ingest(org, path)

    assert extract.status == Extract.Status.PROCESSED, extract.job.message
    assert (extract.rows_read, extract.rows_rejected) == (200, 0)


def test_sample_xlsx_ingests_with_nothing_rejected(org, member_client, tmp_path):
    _define_sample_measures(org)
    response = _file(member_client(org, "analyst"), org, "sample", "xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["extract"]  # the data first: an upload reads sheet one
    path = tmp_path / "extract-sample.xlsx"
    path.write_bytes(response.content)

    extract = ingest(org, path)

    assert (extract.rows_read, extract.rows_rejected) == (200, 0)
    assert extract.status == Extract.Status.PROCESSED


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_is_headers_only(org, member_client, file_format):
    response = _file(member_client(org, "analyst"), org, "template", file_format)
    if file_format == "csv":
        lines = response.content.decode().splitlines()
    else:
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        lines = [",".join(v for v in r) for r in sheet.iter_rows(values_only=True)]
    assert lines == [",".join(format_guide.TEMPLATE_HEADERS)]
    # Every template header is one the mapping step recognizes as itself.
    suggested = mapping.suggest(format_guide.TEMPLATE_HEADERS)
    assert suggested == {h: h for h in format_guide.TEMPLATE_HEADERS}


def test_unknown_file_is_404(org, member_client):
    assert _file(member_client(org, "analyst"), org, "secrets", "csv").status_code == 404


def test_undefined_measure_needs_a_chosen_category(org, measures, tmp_path, member_client):
    extract = ingest(org, write_csv(tmp_path / "e.csv", [row("TEST-1", measure="FLU")]))
    assert extract.status == Extract.Status.WAITING and extract.undefined_measure_codes == ["FLU"]
    client = member_client(org, "analyst")
    page = client.get(reverse("data_hub:extract_detail", args=[org.slug, extract.pk]))
    assert '<option value="" selected>Choose a category…</option>' in page.content.decode()
    url = reverse("data_hub:extract_measures", args=[org.slug, extract.pk])
    base = {"action_0": "define", "name_0": "Flu vaccination", "direction_0": "higher_is_better"}

    response = client.post(url, {**base, "category_0": ""}, follow=True)

    assert "Choose the category of “FLU”." in response.content.decode()
    assert not Measure.objects.filter(organization=org, code="FLU").exists()

    client.post(url, {**base, "category_0": "preventive_screening"})
    assert Measure.objects.get(organization=org, code="FLU").category == "preventive_screening"
