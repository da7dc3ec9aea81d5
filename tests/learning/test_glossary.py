"""The glossary: seeded per organization, editable, and linkable from any page."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from equity_portal.core.models import AuditEvent
from learning import seed, services
from learning.models import GlossaryTerm, LearningSeed, Resource
from tests.factories import OrganizationFactory
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db

REQUIRED_TERMS = {
    "Health equity",
    "Social determinants of health",
    "Social need",
    "Structural racism",
    "Implicit bias",
    "REaL data",
    "Stratification",
    "Disparity",
    "SMART goal",
    "PDSA",
}


def test_a_new_organization_gets_the_starter_glossary_and_library(org):
    terms = set(GlossaryTerm.objects.filter(organization=org).values_list("term", flat=True))
    assert terms >= REQUIRED_TERMS
    titles = set(Resource.objects.filter(organization=org).values_list("title", flat=True))
    assert "Racial and Health Equity: Concrete STEPS for Health Systems" in titles
    assert Resource.objects.filter(organization=org).count() == len(seed.RESOURCES)
    assert AuditEvent.objects.filter(organization=org, action="learning.seed_defaults").exists()


def test_social_need_is_distinguished_from_the_social_determinants(org):
    need = GlossaryTerm.objects.get(organization=org, slug="social-need")
    assert "social determinants of health" in need.definition


def test_seeding_again_adds_nothing_and_keeps_deletions(org):
    GlossaryTerm.objects.filter(organization=org, slug="pdsa").delete()
    assert services.learning_seed_defaults(organization=org) == {"resources": 0, "terms": 0}
    assert not GlossaryTerm.objects.filter(organization=org, slug="pdsa").exists()


def test_seeding_an_organization_that_predates_the_app_fills_it_once(db):
    organization = OrganizationFactory(slug="legacy")
    LearningSeed.objects.filter(organization=organization).delete()
    GlossaryTerm.objects.filter(organization=organization, slug="pdsa").delete()
    counts = services.learning_seed_defaults(organization=organization)
    assert counts == {"resources": 0, "terms": 1}
    assert services.learning_seed_defaults(organization=organization)["terms"] == 0


def test_members_edit_a_term_and_the_edit_is_audited(org, champion):
    url = learn_url(org, "glossary_term_edit", slug="pdsa")
    response = champion.post(
        url,
        {"term": "PDSA", "aliases": "Plan-Do-Study-Act", "definition": "Our own words, revised."},
    )
    assert response.status_code == 302
    entry = GlossaryTerm.objects.get(organization=org, slug="pdsa")
    assert entry.definition == "Our own words, revised."
    assert entry.updated_by == champion.user
    assert AuditEvent.objects.filter(organization=org, action="glossary_term.update").exists()


def test_adding_a_term_that_exists_shows_a_form_error(org, champion):
    response = champion.post(
        learn_url(org, "glossary_term_create"), {"term": "pdsa", "definition": "Again"}
    )
    assert response.status_code == 200
    assert "already defines" in response.text


def test_a_term_can_be_deleted(org, champion):
    response = champion.post(learn_url(org, "glossary_term_delete", slug="pdsa"))
    assert response.status_code == 302
    assert not GlossaryTerm.objects.filter(organization=org, slug="pdsa").exists()


def _render(org, source: str, request=None, **context) -> str:
    request = request or RequestFactory().get("/")
    request.organization = org
    return Template("{% load glossary %}" + source).render(
        Context({"request": request, "organization": org, **context})
    )


def test_link_tag_links_a_term_to_its_entry(org):
    html = _render(org, '{% glossary_link "PDSA" %}')
    assert f'href="{learn_url(org, "glossary_term", slug="pdsa")}"' in html
    assert ">PDSA</a>" in html


def test_link_tag_resolves_aliases_case_insensitively_with_a_label(org):
    html = _render(org, '{% glossary_link "pdsa cycles" "PDSA cycles" %}')
    assert 'href="/o/alice/learn/glossary/pdsa/"' in html
    assert ">PDSA cycles</a>" in html


def test_link_tag_renders_unknown_terms_as_escaped_text(org):
    html = _render(org, "{% glossary_link term %}", term="<b>nope</b>")
    assert html == "&lt;b&gt;nope&lt;/b&gt;"


def test_glossary_url_tag(org):
    assert _render(org, '{% glossary_url "REaL data" %}') == "/o/alice/learn/glossary/real-data/"


def test_link_tag_reads_the_glossary_once_per_request(org, django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(2):  # the organization's content revision, then the terms
        _render(org, '{% glossary_link "PDSA" %} {% glossary_link "SMART goal" %}', request)
        _render(org, '{% glossary_link "Disparity" %}', request)
    # Another request, nothing changed: only the revision is read (core/revision.py).
    with django_assert_num_queries(1):
        _render(org, '{% glossary_link "PDSA" %}', RequestFactory().get("/"))


def test_link_tag_follows_an_edited_definition(org):
    term = GlossaryTerm.objects.get(organization=org, slug="pdsa")
    _render(org, '{% glossary_link "PDSA" %}', RequestFactory().get("/"))
    term.definition = "Plan, do, study, act: a small test of change."
    term.save()
    html = _render(org, '{% glossary_link "PDSA" %}', RequestFactory().get("/"))
    assert "a small test of change" in html


def test_link_tag_never_links_to_another_organizations_terms(org, other_org):
    GlossaryTerm.objects.filter(organization=org, slug="pdsa").delete()
    assert _render(org, '{% glossary_link "PDSA" %}') == "PDSA"
