"""A baseline snapshot a charter stored does not move when the extract is re-stratified (the
published numbers do), and processing and re-stratifying publish the results."""

import json

import pytest

from data_hub import api, services
from data_hub.models import Publication, PublishedResult
from equity_portal.core.roles import Role
from tests.data_hub.factories import MeasureFactory, ingest, row, write_csv

pytestmark = pytest.mark.django_db

WHITE, BLACK = "White", "Black or African American"


def _patients(race, count, screened, start):
    return [
        row(f"TEST-{start + i}", num="1" if i < screened else "0", race=race) for i in range(count)
    ]


def test_snapshot_is_a_value_the_restratified_series_no_longer_matches(org, make_member, tmp_path):
    MeasureFactory(organization=org, code="A1C", name="HbA1c control")
    analyst = make_member(org, Role.ANALYST).user
    rows = (
        _patients("White", 60, 40, 0)
        + _patients("Black", 40, 15, 100)
        + _patients("Martian", 30, 25, 200)  # Unknown until a value map says otherwise
    )
    extract = ingest(org, write_csv(tmp_path / "e.csv", rows))
    publication = Publication.objects.get(extract=extract)
    assert publication.method_version == "stats-2"
    assert PublishedResult.objects.filter(extract=extract, dimension="race").exists()

    snapshot = api.baseline_snapshot(org, "A1C", "race", BLACK, WHITE)
    assert snapshot.reference_numerator == 40 and snapshot.reference_denominator == 60
    stored = json.loads(json.dumps(snapshot.as_dict()))

    services.value_map_entry_set(
        organization=org, family="race", source_value="martian", target="White", actor=analyst
    )
    services.extract_restratify(extract=extract, actor=analyst)
    services.extract_restratify_run(job_id=extract.job_id)

    point = api.measure_series(org, "A1C", "race", BLACK, WHITE).points[-1]
    assert point.reference_numerator == 65 and point.reference_denominator == 90
    assert point.difference != snapshot.difference
    again = api.BaselineSnapshot.from_dict(stored)
    assert again == snapshot
    assert again.reference_numerator == 40 and again.difference == snapshot.difference
