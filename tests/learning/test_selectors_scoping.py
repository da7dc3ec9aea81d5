"""Every selector returns only the given organization's rows."""

import pytest

from learning import selectors
from tests.learning.factories import (
    GlossaryTermFactory,
    ItemCompletionFactory,
    LearningSessionFactory,
    PlanItemFactory,
    ResourceFactory,
    SessionReflectionFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(org, other_org, make_member):
    rows = {}
    for organization in (org, other_org):
        item = PlanItemFactory(plan__organization=organization)
        rows[organization.slug] = {
            "item": item,
            "completion": ItemCompletionFactory(item=item),
            "resource": ResourceFactory(organization=organization, tags="shared"),
            "term": GlossaryTermFactory(organization=organization, term=f"Only {organization}"),
            "team": TeamFactory(organization=organization, name="Shared name"),
            "reflection": SessionReflectionFactory(session__organization=organization),
            "session": LearningSessionFactory(organization=organization, topic="Shared"),
        }
    return rows


def _orgs(rows) -> set[int]:
    return {r.organization_id for r in rows}


def test_list_selectors_exclude_other_organizations(org, both, make_member):
    viewer = make_member(org, role="admin")
    assert _orgs(selectors.resource_list(organization=org, tag="shared")) == {org.pk}
    assert _orgs(selectors.glossary_term_list(organization=org)) == {org.pk}
    assert _orgs(selectors.team_list(organization=org)) == {org.pk}
    assert _orgs(selectors.plan_list(organization=org)) == {org.pk}
    assert _orgs(selectors.session_list(organization=org)) == {org.pk}
    assert _orgs(selectors.completion_list(organization=org, viewer=viewer)) == {org.pk}
    assert {m.organization_id for m in selectors.member_choices(organization=org)} == {org.pk}


def test_glossary_index_and_tags_exclude_other_organizations(org, other_org, both):
    index = selectors.glossary_index(organization=org)
    assert "only-alice-health" in index
    assert "only-charlie-clinics" not in index


def test_completion_summary_counts_only_the_organization(org, both):
    summary = selectors.completion_summary(organization=org)
    assert (summary.organization.assigned, summary.organization.done) == (1, 1)
    assert set(summary.plans) == {both["alice"]["item"].plan_id}


def test_session_reflections_stay_in_their_session(org, both, make_member):
    viewer = make_member(org, role="admin")
    session = both["alice"]["reflection"].session
    rows = selectors.session_reflection_list(session=session, viewer=viewer)
    assert [r.pk for r in rows] == [both["alice"]["reflection"].pk]
