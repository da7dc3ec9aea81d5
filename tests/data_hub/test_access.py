"""Another organization's rows are never listed, role checks, bounded queries on list pages.
(Another organization's object on every URL: tests/core/test_cross_org_sweep.py.)"""

import pytest
from django.urls import reverse

from data_hub.models import ColumnMapping, ValueMapEntry
from tests.data_hub.factories import MeasureFactory, ingest, row, write_csv


@pytest.fixture
def theirs(other_org, tmp_path):
    MeasureFactory(organization=other_org, code="A1C")
    extract = ingest(other_org, write_csv(tmp_path / "theirs.csv", [row("TEST-1")]))
    mapping = ColumnMapping.objects.create(
        organization=other_org, name="theirs", header_signature="x", config={}
    )
    entry = ValueMapEntry.objects.create(
        organization=other_org, family="race", source_value="zz", target="White"
    )
    measure = MeasureFactory(organization=other_org, code="BP")
    return {"extract": extract, "mapping": mapping, "entry": entry, "measure": measure}


@pytest.mark.django_db
def test_their_rows_are_not_listed(org, member_client, theirs):
    client = member_client(org, "admin")
    page = client.get(reverse("data_hub:index", args=[org.slug])).content.decode()
    assert "theirs.csv" not in page
    assert "BP" not in client.get(reverse("data_hub:measures", args=[org.slug])).content.decode()


@pytest.mark.django_db
def test_champions_see_results_but_cannot_upload(org, member_client):
    client = member_client(org, "champion")
    assert client.get(reverse("data_hub:index", args=[org.slug])).status_code == 200
    assert client.get(reverse("data_hub:upload", args=[org.slug])).status_code == 403
    assert client.get(reverse("data_hub:value_maps", args=[org.slug])).status_code == 403


def _make_extracts(org, tmp_path, n):
    MeasureFactory(organization=org, code="A1C")
    for i in range(n):
        ingest(org, write_csv(tmp_path / f"e{i}.csv", [row(f"TEST-{i}")]))


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 6])
def test_extract_list_query_count_is_bounded(
    org, member_client, tmp_path, n, django_assert_max_num_queries
):
    _make_extracts(org, tmp_path, n)
    client = member_client(org, "analyst")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("data_hub:index", args=[org.slug]))
    assert response.status_code == 200
    assert response.content.decode().count("e0.csv") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 15])
def test_measure_and_value_map_pages_query_count_is_bounded(
    org, member_client, n, django_assert_max_num_queries
):
    for i in range(n):
        MeasureFactory(organization=org, code=f"M{i}")
    client = member_client(org, "analyst")
    client.get(reverse("data_hub:value_maps", args=[org.slug]))  # seeds the defaults
    with django_assert_max_num_queries(10):
        assert client.get(reverse("data_hub:measures", args=[org.slug])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("data_hub:value_maps", args=[org.slug])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("data_hub:mappings", args=[org.slug])).status_code == 200
