import pytest

from commitments.demo import seed_demo_content
from commitments.models import Assessment, Champion, Commitment, ListeningSession
from equity_portal.core.roles import Role
from equity_portal.core.signals import demo_organization_seeded


def _counts(org):
    return (
        Assessment.objects.filter(organization=org, status="completed").count(),
        Commitment.objects.filter(organization=org).count(),
        Champion.objects.filter(organization=org).count(),
        ListeningSession.objects.filter(organization=org).count(),
    )


def test_receiver_is_connected():
    assert any(entry[0][0] == "commitments-demo" for entry in demo_organization_seeded.receivers)


@pytest.mark.django_db
def test_demo_content_is_added_once(org, make_member):
    users = {role: make_member(org, role).user for role in Role}
    seed_demo_content(sender=None, organization=org, users=users)
    counts = _counts(org)
    assert all(counts)

    seed_demo_content(sender=None, organization=org, users=users)
    assert _counts(org) == counts
    session = ListeningSession.objects.get(organization=org)
    assert session.themes.filter(commitments__isnull=False).exists()


@pytest.mark.django_db
def test_demo_content_works_without_a_champion_user(org, make_member):
    users = {Role.ADMIN: make_member(org, Role.ADMIN).user}
    seed_demo_content(sender=None, organization=org, users=users)
    assessments, commitments, champions, sessions = _counts(org)
    assert assessments and commitments and sessions
    assert champions == 0  # champions are named among champion and leader users only
