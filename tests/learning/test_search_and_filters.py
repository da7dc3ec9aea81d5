"""Search and filters of the library, glossary, plans, teams and sessions."""

from datetime import date

import pytest

from learning import selectors
from learning.models import Resource
from tests.learning.factories import (
    GlossaryTermFactory,
    LearningPlanFactory,
    LearningSessionFactory,
    ResourceFactory,
    TeamFactory,
)
from tests.learning.utils import learn_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(org):
    Resource.objects.filter(organization=org).delete()  # only these two, not the starter set
    return {
        "podcast": ResourceFactory(
            organization=org, title="Earning trust", kind="podcast", tags="trust,community"
        ),
        "video": ResourceFactory(
            organization=org,
            title="Run charts explained",
            kind="video",
            step="improve",
            tags="qi,trust building",
            summary="How to read a run chart.",
        ),
    }


def _titles(rows) -> set[str]:
    return {r.title for r in rows}


def test_search_matches_title_summary_and_tags(org, library):
    assert "Run charts explained" in _titles(selectors.resource_list(organization=org, q="READ A"))
    assert _titles(selectors.resource_list(organization=org, q="earning")) >= {"Earning trust"}


def test_filter_by_kind_and_step(org, library):
    assert _titles(selectors.resource_list(organization=org, kind="podcast", q="trust")) == {
        "Earning trust"
    }
    assert _titles(selectors.resource_list(organization=org, step="improve")) == {
        "Run charts explained"
    }


def test_tag_filter_matches_whole_tags_only(org, library):
    assert _titles(selectors.resource_list(organization=org, tag="trust")) == {"Earning trust"}
    assert _titles(selectors.resource_list(organization=org, tag="qi")) == {"Run charts explained"}


def test_library_page_filters_from_the_query_string(org, library, champion):
    response = champion.get(learn_url(org, "resource_list"), {"kind": "video"})
    assert [r.title for r in response.context["page"].object_list] == ["Run charts explained"]


def test_library_page_says_when_nothing_matches(org, champion):
    response = champion.get(learn_url(org, "resource_list"), {"q": "no such thing at all"})
    assert "No resources match these filters" in response.text


def test_glossary_search_covers_terms_aliases_and_definitions(org):
    GlossaryTermFactory(organization=org, term="Zeta", aliases="omega", definition="Last one.")
    for q in ("zeta", "OMEGA", "last one"):
        assert "Zeta" in {t.term for t in selectors.glossary_term_list(organization=org, q=q)}


def test_plan_filters(org, make_member, champion):
    alice = make_member(org)
    team = TeamFactory(organization=org, members=[champion.membership])
    mine = LearningPlanFactory(organization=org, team=team, title="Team basics")
    alices = LearningPlanFactory(organization=org, assignee=alice, title="Alice history")
    url = learn_url(org, "plan_list")

    def shown(params):
        return {p.pk for p in champion.get(url, params).context["page"].object_list}

    assert shown({"assignee": alice.pk}) == {alices.pk}
    assert shown({"team": team.pk}) == {mine.pk}
    assert shown({"mine": "on"}) == {mine.pk}
    assert shown({"q": "history"}) == {alices.pk}


def test_team_search(org, champion):
    TeamFactory(organization=org, name="Emergency department")
    TeamFactory(organization=org, name="Pharmacy")
    response = champion.get(learn_url(org, "team_list"), {"q": "emerg"})
    assert [t.name for t in response.context["page"].object_list] == ["Emergency department"]


def test_session_filters_by_text_dates_and_attendee(org, make_member, champion):
    bob = make_member(org)
    early = LearningSessionFactory(organization=org, date=date(2026, 1, 10), topic="History")
    late = LearningSessionFactory(organization=org, date=date(2026, 3, 10), topic="Language")
    late.attendees.set([bob])
    url = learn_url(org, "session_list")

    def shown(params):
        return {s.pk for s in champion.get(url, params).context["page"].object_list}

    assert shown({"q": "histo"}) == {early.pk}
    assert shown({"date_from": "2026-02-01"}) == {late.pk}
    assert shown({"date_to": "2026-02-01"}) == {early.pk}
    assert shown({"attendee": bob.pk}) == {late.pk}


def test_lists_are_paginated(org, champion):
    ResourceFactory.create_batch(30, organization=org)
    first = champion.get(learn_url(org, "resource_list"))
    assert first.context["page"].paginator.num_pages >= 2
    assert "Page 1 of" in first.text
    second = champion.get(learn_url(org, "resource_list"), {"page": 2})
    assert second.context["page"].number == 2
