"""Default value-map families, editing and re-stratifying; mapping suggestion and memory."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from data_hub import services
from data_hub.defaults import RACE_LABELS, default_value_maps
from data_hub.mapping import header_signature, suggest
from data_hub.models import ColumnMapping, ExtractProvenance
from equity_portal.core.models import AuditEvent
from tests.data_hub.factories import counts, ingest, row, upload_file, write_csv


def _race_ethnicity(org, tmp_path, pairs, lang="English"):
    rows = [row(f"TEST-{i}", race=r, eth=e, lang=lang) for i, (r, e) in enumerate(pairs)]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))
    return extract


def test_default_race_labels_are_exactly_spd15_plus_three():
    assert set(default_value_maps()["race"].values()) == set(RACE_LABELS)
    assert RACE_LABELS == (
        "American Indian or Alaska Native",
        "Asian",
        "Black or African American",
        "Hispanic or Latino",
        "Middle Eastern or North African",
        "Native Hawaiian or Pacific Islander",
        "White",
        "Multiracial",
        "Unknown",
        "Declined",
    )


@pytest.mark.django_db
def test_free_text_spellings(org, measures, tmp_path):
    pairs = [
        ("caucasian", ""),
        ("AFRICAN AMERICAN", ""),
        ("Native American", ""),
        ("Middle Eastern", ""),
        ("two or more races", ""),
        ("Patient declined", ""),
        ("", ""),
        ("Samoan", ""),
        ("Martian", ""),
    ]
    extract = _race_ethnicity(org, tmp_path, pairs)
    groups = {g for (_, _, g) in counts(extract, "race")}

    assert groups == {
        "White",
        "Black or African American",
        "American Indian or Alaska Native",
        "Middle Eastern or North African",
        "Multiracial",
        "Declined",
        "Unknown",
        "Native Hawaiian or Pacific Islander",
    }
    assert counts(extract, "race")[("A1C", "2025-Q1", "Unknown")] == (2, 2)  # blank + Martian
    assert extract.unmapped_values == {"race": {"Martian": 1}}


@pytest.mark.django_db
def test_1997_two_question_form_combines_into_race_ethnicity(org, measures, tmp_path):
    pairs = [
        ("White", "Hispanic or Latino"),
        ("White", "Not Hispanic or Latino"),
        ("Black", "Y"),
        ("Asian", "N"),
        ("Unknown", "Declined"),
    ]
    extract = _race_ethnicity(org, tmp_path, pairs)

    combined = counts(extract, "race_ethnicity")
    assert combined[("A1C", "2025-Q1", "Hispanic or Latino")] == (2, 2)
    assert combined[("A1C", "2025-Q1", "White")] == (1, 1)
    assert combined[("A1C", "2025-Q1", "Asian")] == (1, 1)
    assert combined[("A1C", "2025-Q1", "Declined")] == (1, 1)
    assert counts(extract, "race")[("A1C", "2025-Q1", "White")] == (2, 2)
    assert counts(extract, "ethnicity")[("A1C", "2025-Q1", "Not Hispanic or Latino")] == (2, 2)


@pytest.mark.django_db
def test_cdc_race_and_ethnicity_codes(org, measures, tmp_path):
    pairs = [
        ("2054-5", "2186-5"),
        ("2106-3", "2135-2"),
        ("2028-9", ""),
        ("1002-5", ""),
        ("2076-8", ""),
        ("2118-8", ""),
    ]
    extract = _race_ethnicity(org, tmp_path, pairs)

    race = {g for (_, _, g) in counts(extract, "race")}
    assert race == {
        "Black or African American",
        "White",
        "Asian",
        "American Indian or Alaska Native",
        "Native Hawaiian or Pacific Islander",
        "Middle Eastern or North African",
    }
    assert counts(extract, "race_ethnicity")[("A1C", "2025-Q1", "Hispanic or Latino")] == (1, 1)


LANGUAGE_SPELLINGS = [
    ("es", "Spanish"),
    ("spa", "Spanish"),
    ("Español", "Spanish"),
    ("vie", "Vietnamese"),
    ("zh", "Chinese"),
    ("fre", "French"),
    ("fra", "French"),
    ("ENGLISH", "English"),
    ("ht", "Haitian Creole"),
    ("asl", "American Sign Language"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("spelling, name", LANGUAGE_SPELLINGS)
def test_iso_639_codes_and_ehr_spellings_become_language_names(
    org, measures, tmp_path, spelling, name
):
    extract = _race_ethnicity(org, tmp_path, [("White", "")], lang=spelling)
    assert counts(extract, "language")[("A1C", "2025-Q1", name)] == (1, 1)


@pytest.mark.django_db
def test_sex_and_payer_maps(org, measures, tmp_path):
    rows = [row("TEST-1", sex="F", payer="MCD"), row("TEST-2", sex="male", payer="Self Pay")]
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))

    assert set(g for (_, _, g) in counts(extract, "sex")) == {"Female", "Male"}
    assert set(g for (_, _, g) in counts(extract, "payer")) == {"Medicaid", "Self-pay or uninsured"}


@pytest.mark.django_db
def test_editing_a_value_map_and_restratifying_from_parquet(org, measures, tmp_path, analyst):
    extract = _race_ethnicity(org, tmp_path, [("Martian", ""), ("White", "")])
    assert counts(extract, "race")[("A1C", "2025-Q1", "Unknown")] == (1, 1)
    version = extract.provenance.value_map_version

    services.value_map_entry_set(
        organization=org,
        family="race",
        source_value="  MARTIAN ",
        target="Multiracial",
        actor=analyst,
    )
    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)  # the raw file is gone: Parquet only

    extract.refresh_from_db()
    assert extract.raw_deleted_at is not None
    assert counts(extract, "race")[("A1C", "2025-Q1", "Multiracial")] == (1, 1)
    assert ("A1C", "2025-Q1", "Unknown") not in counts(extract, "race")
    provenance = ExtractProvenance.objects.get(extract=extract)
    assert provenance.value_map_version == version + 1 and provenance.restratified_count == 1
    assert extract.unmapped_values == {}


@pytest.mark.django_db
def test_changed_intersections_apply_on_restratify(org, measures, tmp_path, analyst):
    extract = _race_ethnicity(org, tmp_path, [("White", "")])
    services.hub_settings_update(organization=org, intersections=["sex x race"], actor=analyst)
    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)

    dimensions = set(extract.counts.values_list("dimension", flat=True))
    assert "race x sex" in dimensions and "race_ethnicity x language" not in dimensions


def test_suggestions_from_common_ehr_names():
    headers = [
        "MRN",
        "PAT_ID",
        "Metric",
        "Reporting Period",
        "Met",
        "Eligible",
        "PATIENT_RACE",
        "ETHNIC_GROUP",
        "Preferred Language",
        "GENDER",
        "DOB",
        "Financial Class",
        "Department",
        "Something else",
    ]
    suggested = suggest(headers)
    assert suggested["MRN"] == "patient_id"
    assert suggested["PAT_ID"] == ""  # each field is suggested once
    assert [suggested[h] for h in headers[2:]] == [
        "measure",
        "period",
        "numerator",
        "denominator",
        "race",
        "ethnicity",
        "language",
        "sex",
        "birth_date",
        "payer",
        "site",
        "",
    ]


def test_header_signature_ignores_order_and_case():
    assert header_signature(["MRN", "Race"]) == header_signature(["race", " mrn"])


@pytest.mark.django_db
def test_mapping_is_remembered_for_the_same_headers(org, measures, tmp_path, member_client):
    client = member_client(org, "analyst")
    headers = ["Who", "What", "When", "Score", "Race"]
    path = write_csv(tmp_path / "odd.csv", [["TEST-1", "A1C", "2025-Q1", "1", "White"]], headers)
    first = upload_file(org, path)
    url = reverse("data_hub:extract_mapping", args=[org.slug, first.pk])
    post = {
        "format": "long",
        "date_period": "month",
        "col_0": "patient_id",
        "col_1": "measure",
        "col_2": "period",
        "col_3": "numerator",
        "col_4": "race",
        "save_as": "Odd export",
    }

    response = client.post(url, post)

    assert response.status_code == 302
    second = upload_file(org, path)
    page = client.get(reverse("data_hub:extract_mapping", args=[org.slug, second.pk]))
    assert page.context["remembered"] is True
    assert page.context["form"].initial["col_0"] == "patient_id"
    assert "TEST-1" not in page.content.decode()  # identifiers are not echoed back
    assert ColumnMapping.objects.filter(organization=org, name="Odd export").exists()


@pytest.mark.django_db
def test_named_mapping_exports_and_imports_as_json(org, other_org, member_client):
    saved = ColumnMapping.objects.create(
        organization=org,
        name="Epic clarity",
        header_signature="x",
        config={
            "format": "long",
            "date_period": "month",
            "columns": {
                "MRN": "patient_id",
                "Measure": "measure",
                "Period": "period",
                "Met": "numerator",
            },
        },
    )
    client = member_client(org, "analyst")
    exported = client.get(reverse("data_hub:mapping_export", args=[org.slug, saved.pk]))
    payload = json.loads(exported.content)
    assert payload["columns"]["MRN"] == "patient_id"
    assert AuditEvent.objects.filter(
        organization=org, action="column_mapping.export", object_id=str(saved.pk)
    ).exists()

    other = member_client(other_org, "analyst")
    response = other.post(
        reverse("data_hub:mappings", args=[other_org.slug]),
        {"name": "", "file": SimpleUploadedFile("epic.json", exported.content)},
    )

    assert response.status_code == 302
    imported = ColumnMapping.objects.get(organization=other_org, name="epic")
    assert imported.config["columns"] == payload["columns"]
