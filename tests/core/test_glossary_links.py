"""Pages of every step link the terms they use to the organization's glossary (issue 7), through
the core's seam that the learning app fills; with no glossary, terms stay plain text."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from equity_portal.core import glossary
from equity_portal.core.roles import Role
from tests.data_hub_results.factories import fixture_extract

pytestmark = pytest.mark.django_db


def glossary_href(org, slug: str) -> str:
    return reverse("learning:glossary_term", kwargs={"org_slug": org.slug, "slug": slug})


@pytest.mark.parametrize(
    ("url_name", "slug"),
    [
        ("commitments:index", "equity-champion"),
        ("results:disparities", "disparity"),
        ("quality:report", "real-data"),
    ],
)
def test_step_pages_link_their_terms_to_the_glossary(org, member_client, url_name, slug):
    fixture_extract(org)
    client = member_client(org, Role.CHAMPION)

    page = client.get(reverse(url_name, kwargs={"org_slug": org.slug})).content.decode()

    assert f'class="glossary-link" href="{glossary_href(org, slug)}"' in page


def test_without_a_glossary_provider_terms_are_plain_text(org, monkeypatch):
    monkeypatch.setattr(glossary, "_provider", None)

    html = Template('{% load glossary %}{% glossary_link "PDSA" %}').render(
        Context({"organization": org})
    )

    assert html == "PDSA"
