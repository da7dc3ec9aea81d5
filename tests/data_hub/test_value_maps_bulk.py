"""Value maps in bulk (issue 16 item 3): CSV export and import (browser and command) that round
trip, refuse unknown families and categories by row number, report changes and are audited;
unmapped values printed by ingest_extract and mapped from the report in one click, with
suggestions the analyst confirms; default maps that know common EHR spellings and HEDIS codes."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from data_hub import services
from data_hub.defaults import AIAN, ASIAN, BLACK, default_value_maps, normalize_key
from data_hub.models import HubSettings, ValueMapEntry
from equity_portal.core.models import AuditEvent
from tests.data_hub.factories import ingest, row, write_csv

pytestmark = pytest.mark.django_db


def _maps(organization) -> set[tuple[str, str, str]]:
    return set(
        ValueMapEntry.objects.filter(organization=organization).values_list(
            "family", "source_value", "target"
        )
    )


def _export(client, organization) -> bytes:
    response = client.get(reverse("data_hub:value_maps_csv", args=[organization.slug]))
    assert response.status_code == 200
    return response.content


def test_export_then_import_gives_the_same_maps(org, other_org, member_client, tmp_path):
    services.value_maps_seed_defaults(organization=org)
    analyst = member_client(org, "analyst")
    for family, value, target in [
        ("race", "=cmd|' /C calc'!A0", "Unknown"),  # formula-like: defused out, restored in
        ("race", "black - afr amer", BLACK),
        ("language", "ilocano", "Ilocano"),  # a category of the organization's own
        ("payer", "medicaid hmo", "Medicaid"),
    ]:
        services.value_map_entry_set(
            organization=org, family=family, source_value=value, target=target, actor=analyst.user
        )
    content = _export(analyst, org)
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == ["family", "source_value", "category"]
    assert ["race", "'=cmd|' /c calc'!a0", "Unknown"] in rows  # stored lower case
    path = tmp_path / "maps.csv"
    path.write_bytes(content)

    services.value_maps_seed_defaults(organization=other_org)
    out = io.StringIO()
    call_command("import_value_maps", "--org", other_org.slug, str(path), stdout=out)

    assert _maps(other_org) == _maps(org)
    assert "added race: 'black - afr amer' -> Black or African American" in out.getvalue()
    assert "added: 4, changed: 0" in out.getvalue()
    # Importing the same file again changes nothing.
    out = io.StringIO()
    call_command("import_value_maps", "--org", other_org.slug, str(path), stdout=out)
    assert "added: 0, changed: 0" in out.getvalue()
    assert _maps(other_org) == _maps(org)


def test_import_reports_changes_bumps_the_version_and_is_audited(org, analyst):
    services.value_maps_seed_defaults(organization=org)
    version = HubSettings.objects.get(organization=org).value_map_version
    report = services.value_maps_import_csv(
        organization=org,
        text="family,source_value,category\n"
        "race,Caucasian,multiracial\n"  # change, category in any letter case
        "race,  Pardo ,Multiracial\n"  # add, the value normalized
        "sex,F,Female\n",  # unchanged
        actor=analyst,
    )
    assert report["changed"] == [("race", "caucasian", "White", "Multiracial")]
    assert report["added"] == [("race", "pardo", "Multiracial")]
    assert report["unchanged"] == [("sex", "f", "Female")]
    entry = ValueMapEntry.objects.get(organization=org, family="race", source_value="caucasian")
    assert entry.target == "Multiracial" and not entry.is_default
    assert HubSettings.objects.get(organization=org).value_map_version == version + 1
    event = AuditEvent.objects.get(organization=org, action="value_map.import")
    assert event.actor == analyst
    assert (event.details["added"], event.details["changed"]) == (1, 1)


def test_bad_rows_are_refused_with_their_row_numbers_and_nothing_changes(org, tmp_path):
    services.value_maps_seed_defaults(organization=org)
    before = _maps(org)
    path = tmp_path / "bad.csv"
    path.write_text(
        "family,source_value,category\n"
        "race,Pardo,Multiracial\n"
        "religion,Catholic,Christian\n"
        "race,Blak,Blak or African American\n"
        "language,,English\n"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_value_maps", "--org", org.slug, str(path))
    message = str(error.value)
    assert "Row 3: family “religion” is not one of: race, ethnicity, language, sex, payer." in (
        message
    )
    assert "Row 4: “Blak or African American” is not a race category. Use one of:" in message
    assert "Row 5: the source value is empty." in message
    assert "Row 2" not in message
    assert _maps(org) == before
    assert not AuditEvent.objects.filter(action="value_map.import").exists()


def test_a_file_without_the_columns_is_refused(org):
    with pytest.raises(Exception, match="family,source_value,category"):
        services.value_maps_import_csv(organization=org, text="a,b\n1,2\n", actor=None)


def test_browser_import_shows_what_changed(org, member_client):
    services.value_maps_seed_defaults(organization=org)
    client = member_client(org, "analyst")
    upload = SimpleUploadedFile(
        "maps.csv", b"family,source_value,category\nrace,Pardo,Multiracial\n", "text/csv"
    )
    response = client.post(
        reverse("data_hub:value_maps_import", args=[org.slug]), {"file": upload}, follow=True
    )
    page = response.content.decode()
    assert "Value maps imported: 1 added, 0 changed" in page
    assert "race: “pardo” → Multiracial" in page
    assert ("race", "pardo", "Multiracial") in _maps(org)

    bad = SimpleUploadedFile("bad.csv", b"family,source_value,category\nrace,x,Nope\n")
    response = client.post(
        reverse("data_hub:value_maps_import", args=[org.slug]), {"file": bad}, follow=True
    )
    assert "Nothing was imported. Row 2: “Nope” is not a race category" in (
        response.content.decode()
    )


def test_champions_cannot_export_or_import(org, member_client):
    client = member_client(org, "champion")
    assert client.get(reverse("data_hub:value_maps_csv", args=[org.slug])).status_code == 403
    response = client.post(reverse("data_hub:value_maps_import", args=[org.slug]))
    assert response.status_code == 403


UNMAPPED = ["Black - African Amer."] * 12 + ["Asian, White"] * 3 + ["Pardo"] * 2


def _with_unmapped(org, tmp_path):
    rows = [row(f"TEST-{i:03d}", race=race) for i, race in enumerate(UNMAPPED)]
    rows += [row(f"TEST-W{i:03d}") for i in range(20)]
    return rows


def test_ingest_extract_prints_unmapped_values_with_small_counts_hidden(org, measures, tmp_path):
    path = write_csv(tmp_path / "e.csv", _with_unmapped(org, tmp_path))
    out = io.StringIO()
    call_command("ingest_extract", "--org", org.slug, "--sync", str(path), stdout=out)
    text = out.getvalue()
    assert "unmapped race values (counted as Unknown):" in text
    assert "'Black - African Amer.': 12 rows" in text
    assert "'Asian, White': fewer than 11 rows" in text
    assert "'Pardo': fewer than 11 rows" in text
    assert text.rstrip().splitlines()[-1].startswith("extract: ")


def test_report_suggests_a_category_and_maps_only_on_the_analysts_click(
    org, measures, tmp_path, member_client
):
    extract = ingest(org, write_csv(tmp_path / "e.csv", _with_unmapped(org, tmp_path)))
    assert set(extract.unmapped_values["race"]) == {
        "Black - African Amer.",
        "Asian, White",
        "Pardo",
    }
    client = member_client(org, "analyst")
    entries = ValueMapEntry.objects.filter(organization=org).count()

    page = client.get(reverse("data_hub:extract_detail", args=[org.slug, extract.pk]))
    html = page.content.decode()

    assert ValueMapEntry.objects.filter(organization=org).count() == entries  # nothing mapped
    assert f'<option value="{BLACK}" selected>{BLACK} (suggested)</option>' in html
    assert html.count("(suggested)</option>") == 1  # "Asian, White" names two categories
    assert "Choose a category…" in html

    response = client.post(
        reverse("data_hub:extract_map_value", args=[org.slug, extract.pk]),
        {"family": "race", "source_value": "Black - African Amer.", "target": BLACK},
    )
    assert response.status_code == 302
    entry = ValueMapEntry.objects.get(
        organization=org, family="race", source_value="black - african amer."
    )
    assert entry.target == BLACK
    assert AuditEvent.objects.filter(action="value_map.set", object_id=str(entry.pk)).exists()

    refused = client.post(
        reverse("data_hub:extract_map_value", args=[org.slug, extract.pk]),
        {"family": "race", "source_value": "Pardo", "target": "Not a category"},
    )
    assert refused.status_code == 302
    assert not ValueMapEntry.objects.filter(organization=org, source_value="pardo").exists()


def test_report_shows_not_validated_yet_while_waiting_for_the_job(org, tmp_path, member_client):
    from data_hub.models import Extract

    extract = ingest(org, write_csv(tmp_path / "e.csv", [row("TEST-1")]))
    Extract.objects.filter(pk=extract.pk).update(
        status=Extract.Status.PROCESSING, rows_read=500, rows_rejected=0
    )
    html = (
        member_client(org, "analyst")
        .get(reverse("data_hub:extract_detail", args=[org.slug, extract.pk]))
        .content.decode()
    )
    assert "not validated yet" in html
    assert "0 (0.00%)" not in html


@pytest.mark.parametrize(
    "value, category",
    [
        ("Black, African American", BLACK),
        ("Am Indian/Alaska Native", AIAN),
        ("01", "White"),
        ("02", BLACK),
        ("03", AIAN),
        ("04", ASIAN),
        ("05", "Native Hawaiian or Pacific Islander"),
        ("07", "Multiracial"),
        ("08", "Declined"),
        ("09", "Unknown"),
        ("4", ASIAN),  # the leading zero a spreadsheet drops
    ],
)
def test_default_race_map_knows_common_ehr_spellings_and_hedis_codes(value, category):
    assert default_value_maps()["race"][normalize_key(value)] == category
