import pytest

from commitments import selectors
from equity_portal.core.roles import Role

from .factories import (
    ChampionFactory,
    CommitmentFactory,
    ListeningSessionFactory,
    ListeningThemeFactory,
    completed_assessment,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_orgs(org, other_org, make_member):
    rows = {}
    for organization in (org, other_org):
        member = make_member(organization, Role.ADMIN)
        session = ListeningSessionFactory(organization=organization)
        rows[organization.slug] = {
            "member": member,
            "assessment": completed_assessment(organization, member.user),
            "commitment": CommitmentFactory(organization=organization, owner=member),
            "champion": ChampionFactory(organization=organization, membership=member),
            "session": session,
            "theme": ListeningThemeFactory(session=session),
        }
    return rows


def test_selectors_exclude_other_organizations_rows(org, two_orgs):
    mine = two_orgs["alice"]
    assert list(selectors.commitment_list(organization=org)) == [mine["commitment"]]
    assert list(selectors.champion_list(organization=org)) == [mine["champion"]]
    assert list(selectors.listening_session_list(organization=org)) == [mine["session"]]
    assert list(selectors.assessment_completed_list(organization=org)) == [mine["assessment"]]
    assert list(selectors.member_choices(organization=org)) == [mine["member"]]
    assert [v.organization_id for v in selectors.questionnaire_versions(organization=org)] == [
        org.pk
    ]
    assert selectors.champion_departments(organization=org) == ["Primary care"]


def test_summary_counts_only_this_organization(org, two_orgs):
    summary = selectors.commit_summary(organization=org)
    assert summary["commitment_counts"]["total"] == 1
    assert summary["champion_count"] == 1
    assert summary["session_count"] == 1
    assert summary["latest_assessment"] == two_orgs["alice"]["assessment"]
    assert summary["assessment_count"] == 1


def test_theme_links_to_another_organizations_commitment_are_not_shown(org, two_orgs):
    theme = two_orgs["alice"]["theme"]
    theme.commitments.add(two_orgs["charlie"]["commitment"])  # forced past the service
    sessions = list(selectors.listening_session_list(organization=org))
    assert list(sessions[0].themes.all()[0].commitments.all()) == []
    assert (
        not selectors.commitment_themes(commitment=two_orgs["charlie"]["commitment"])
        .filter(organization=org)
        .exists()
    )
