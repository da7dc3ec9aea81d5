"""`manage.py publish_results` publishes extracts processed before publishing existed."""

import io

import pytest
from django.core.management import CommandError, call_command

from data_hub.models import Publication, PublishedResult

from .factories import Q2, RACE_Q2, ExtractFactory, MeasureFactory, ProvenanceFactory, add_counts

pytestmark = pytest.mark.django_db


def test_publishes_every_processed_extract_of_the_organization(org, other_org):
    extract = ExtractFactory(organization=org)
    ProvenanceFactory(extract=extract)
    add_counts(
        extract, MeasureFactory(organization=org, code="screen"), Q2, "race_ethnicity", RACE_Q2
    )
    assert not Publication.objects.filter(extract=extract).exists()
    out = io.StringIO()
    call_command("publish_results", "--org", org.slug, stdout=out)
    assert "alice: 1 extract(s) published" in out.getvalue()
    assert PublishedResult.objects.filter(extract=extract).count() == len(RACE_Q2)
    with pytest.raises(CommandError):
        call_command("publish_results", "--org", "nobody")
