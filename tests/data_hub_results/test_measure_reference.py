"""Each measure's own reference group (DESIGN §5.4) is what its results, exports and
disparities use unless the explorer asks for another; it is validated when saved."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from data_hub import services
from data_hub.models import Measure
from equity_portal.core.roles import Role
from tests.data_hub_results.factories import fixture_extract

pytestmark = pytest.mark.django_db


def _reference_of(csv_bytes: bytes, measure: str, dimension: str, period: str) -> set[str]:
    rows = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")))
    return {
        r["reference_group"]
        for r in rows
        if r["measure"] == measure and r["dimension"] == dimension and r["period_start"] == period
    }


def _export(client, org, extract):
    url = reverse(
        "results:export",
        kwargs={"org_slug": org.slug, "what": "results", "file_format": "csv"},
    )
    response = client.get(url, {"extract": extract.pk})
    assert response.status_code == 200
    return response.content


def test_export_uses_each_measures_own_reference(
    org, member_client, django_capture_on_commit_callbacks
):
    extract, (screen, readmit) = fixture_extract(org, measures=2)
    client = member_client(org, Role.ANALYST)
    assert _reference_of(
        _export(client, org, extract), "screen", "race_ethnicity", "2025-04-01"
    ) == {"White"}
    # Changing a measure's reference republishes its results (a job after the commit).
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for measure, rule, group in (
            (screen, Measure.ReferenceRule.NAMED, "Hispanic or Latino"),
            (readmit, Measure.ReferenceRule.POOLED, ""),
        ):
            services.measure_save(
                organization=org,
                actor=None,
                code=measure.code,
                name=measure.name,
                direction=measure.direction,
                reference_rule=rule,
                reference_group=group,
            )
    assert len(callbacks) == 1  # one republish for both changes

    content = _export(client, org, extract)

    assert _reference_of(content, "screen", "race_ethnicity", "2025-04-01") == {
        "Hispanic or Latino"
    }
    assert _reference_of(content, "readmit", "race_ethnicity", "2025-04-01") == {"Pooled"}


def test_default_reference_is_the_largest_group(org, member_client):
    extract, _ = fixture_extract(org)
    content = _export(member_client(org, Role.ANALYST), org, extract)
    assert _reference_of(content, "screen", "race_ethnicity", "2025-04-01") == {"White"}


def test_explorer_starts_from_the_measures_setting_and_the_url_overrides_it(org, member_client):
    extract, (screen,) = fixture_extract(org)
    Measure.objects.filter(pk=screen.pk).update(reference_rule=Measure.ReferenceRule.POOLED)
    client = member_client(org, Role.LEADER)
    url = reverse("results:explorer", kwargs={"org_slug": org.slug})
    query = {"extract": extract.pk, "measure": "screen", "dimension": "race_ethnicity"}

    default = client.get(url, query)
    chosen = client.get(url, {**query, "rule": "largest"})

    assert default.context["filters"].rule == "pooled"
    assert chosen.context["filters"].rule == "largest"


def test_named_reference_needs_a_compared_group(org):
    for group in ("", "Unknown", "Declined"):
        with pytest.raises(ValidationError):
            services.measure_save(
                organization=org,
                actor=None,
                code="m1",
                name="Measure one",
                reference_rule=Measure.ReferenceRule.NAMED,
                reference_group=group,
            )
    assert not Measure.objects.filter(organization=org, code="m1").exists()


def test_saving_without_a_reference_keeps_the_measures_setting(org):
    services.measure_save(
        organization=org,
        actor=None,
        code="m1",
        name="Measure one",
        reference_rule=Measure.ReferenceRule.NAMED,
        reference_group="White",
    )
    # e.g. `import_measures` with only code, name, direction and category
    services.measure_save(organization=org, actor=None, code="m1", name="Renamed")

    measure = Measure.objects.get(organization=org, code="m1")
    assert (measure.name, measure.reference_rule, measure.reference_group) == (
        "Renamed",
        "named",
        "White",
    )
