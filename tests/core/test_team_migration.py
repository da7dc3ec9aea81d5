"""Teams moved from Learn to the core (issue 12): the data migration keeps every learning team
with its id, name, creation date and members, so existing learning plans keep their team."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("learning", "0001_initial"), ("core", "0002_invitation_emailed_at")]


@pytest.mark.django_db(transaction=True)
def test_learning_teams_move_to_the_core_with_their_ids_and_members():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Organization = old.get_model("core", "Organization")
    User = old.get_model("core", "User")
    Membership = old.get_model("core", "Membership")
    OldTeam = old.get_model("learning", "Team")
    Plan = old.get_model("learning", "LearningPlan")
    org = Organization.objects.create(name="Alice Health", slug="alice", pseudonym_salt="s")
    alice = Membership.objects.create(
        user=User.objects.create(email="alice@alice.test"), organization=org, role="champion"
    )
    bob = Membership.objects.create(
        user=User.objects.create(email="bob@alice.test"), organization=org, role="leader"
    )
    created = timezone.now() - timedelta(days=30)
    unit4 = OldTeam.objects.create(id=7, organization=org, name="Unit 4")
    OldTeam.objects.filter(pk=7).update(created_at=created)
    unit4.members.set([alice, bob])
    OldTeam.objects.create(id=9, organization=org, name="Empty team")
    Plan.objects.create(organization=org, title="Basics", team=unit4)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    Team = new.get_model("core", "Team")
    teams = {t.pk: t for t in Team.objects.all()}
    assert set(teams) == {7, 9}
    assert teams[7].name == "Unit 4" and teams[7].created_at == created
    assert {m.user.email for m in teams[7].members.all()} == {"alice@alice.test", "bob@alice.test"}
    assert not teams[9].members.exists()
    assert new.get_model("learning", "LearningPlan").objects.get().team_id == 7
    # New teams get fresh ids after the copied ones.
    assert Team.objects.create(organization_id=org.pk, name="New").pk > 9
