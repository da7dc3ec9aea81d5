"""Writes: validation with clear messages, idempotency and the audit event of every write."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from equity_portal.core import teams
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from learning import services
from learning.models import ItemCompletion, LearningPlan, PlanItem, Resource, Team
from tests.learning.factories import (
    LearningPlanFactory,
    PlanItemFactory,
    ResourceFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _actions(org) -> list[str]:
    return list(AuditEvent.objects.filter(organization=org).values_list("action", flat=True))


def test_plan_item_due_date_in_the_past_is_refused_with_a_clear_message(org, make_member):
    plan = LearningPlanFactory(organization=org)
    resource = ResourceFactory(organization=org)
    with pytest.raises(ValidationError, match="in the past; choose today or a later date"):
        services.plan_item_add(
            plan=plan, actor=None, resource=resource, due_date=TODAY - timedelta(days=1)
        )
    assert not PlanItem.objects.filter(plan=plan).exists()


def test_plan_item_without_due_date_is_refused(org):
    plan = LearningPlanFactory(organization=org)
    with pytest.raises(ValidationError, match="needs a due date"):
        services.plan_item_add(
            plan=plan, actor=None, resource=ResourceFactory(organization=org), due_date=None
        )


def test_plan_item_due_today_is_accepted_and_audited(org, make_member):
    actor = make_member(org).user
    plan = LearningPlanFactory(organization=org)
    item = services.plan_item_add(
        plan=plan, actor=actor, resource=ResourceFactory(organization=org), due_date=TODAY
    )
    assert item.due_date == TODAY
    assert "learning_item.add" in _actions(org)


def test_adding_the_same_item_twice_keeps_one_row(org):
    plan = LearningPlanFactory(organization=org)
    resource = ResourceFactory(organization=org)
    due = TODAY + timedelta(days=5)
    services.plan_item_add(plan=plan, actor=None, resource=resource, due_date=due)
    services.plan_item_add(plan=plan, actor=None, resource=resource, due_date=due)
    later = services.plan_item_add(
        plan=plan, actor=None, resource=resource, due_date=due + timedelta(days=1)
    )
    assert PlanItem.objects.filter(plan=plan).count() == 1
    assert later.due_date == due + timedelta(days=1)
    assert _actions(org).count("learning_item.add") == 1
    assert _actions(org).count("learning_item.change_due_date") == 1


def test_plan_for_a_member_of_another_organization_is_refused(org, other_org, make_member):
    outsider = make_member(other_org)
    with pytest.raises(ValidationError, match="must be an active member of Alice Health"):
        services.learning_plan_create(
            organization=org, actor=None, title="Basics", assignee=outsider
        )
    assert not LearningPlan.objects.filter(organization=org).exists()


def test_plan_for_a_deactivated_member_is_refused(org, make_member):
    former = make_member(org, is_active=False)
    with pytest.raises(ValidationError, match="active member"):
        services.learning_plan_create(organization=org, actor=None, title="B", assignee=former)


def test_plan_needs_exactly_one_member_or_team(org, make_member):
    member = make_member(org)
    team = TeamFactory(organization=org)
    with pytest.raises(ValidationError, match="either to one member or to one team"):
        services.learning_plan_create(organization=org, actor=None, title="B")
    with pytest.raises(ValidationError, match="either to one member or to one team"):
        services.learning_plan_create(
            organization=org, actor=None, title="B", assignee=member, team=team
        )


def test_plan_for_another_organizations_team_is_refused(org, other_org):
    with pytest.raises(ValidationError, match="another organization"):
        services.learning_plan_create(
            organization=org, actor=None, title="B", team=TeamFactory(organization=other_org)
        )


def test_plan_with_items_is_created_atomically(org, make_member):
    member = make_member(org)
    good, bad = ResourceFactory(organization=org), ResourceFactory(organization=org)
    with pytest.raises(ValidationError):
        services.learning_plan_create(
            organization=org,
            actor=None,
            title="Basics",
            assignee=member,
            items=[(good, TODAY), (bad, TODAY - timedelta(days=2))],
        )
    assert not LearningPlan.objects.filter(organization=org).exists()
    plan = services.learning_plan_create(
        organization=org, actor=member.user, title="Basics", assignee=member, items=[(good, TODAY)]
    )
    assert list(plan.items.values_list("resource", flat=True)) == [good.pk]
    assert "learning_plan.create" in _actions(org)


def test_team_members_must_be_active_members_of_the_organization(org, other_org, make_member):
    with pytest.raises(ValidationError, match="Every team member must be an active member"):
        teams.team_create(
            organization=org, actor=None, name="Unit 4", members=[make_member(other_org)]
        )
    assert not Team.objects.filter(organization=org).exists()


def test_marking_done_twice_is_idempotent(org):
    item = PlanItemFactory(plan__organization=org)
    member = item.plan.assignee
    first = services.plan_item_mark_done(
        item=item, membership=member, actor=member.user, reflection="Eye-opening."
    )
    again = services.plan_item_mark_done(item=item, membership=member, actor=member.user)
    assert again.pk == first.pk
    assert again.reflection == "Eye-opening."
    assert ItemCompletion.objects.filter(item=item).count() == 1
    assert _actions(org).count("learning_item.complete") == 1


def test_marking_done_again_with_a_new_reflection_replaces_it(org):
    item = PlanItemFactory(plan__organization=org)
    member = item.plan.assignee
    first, second = "My first private thought", "My second private thought"
    services.plan_item_mark_done(item=item, membership=member, actor=member.user, reflection=first)
    services.plan_item_mark_done(item=item, membership=member, actor=member.user, reflection=second)
    assert ItemCompletion.objects.get(item=item).reflection == second
    assert "learning_item.update_reflection" in _actions(org)
    # Reflections are private: their text never reaches the audit log.
    logged = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert "private thought" not in logged


def test_only_an_assignee_can_mark_an_item_done(org, make_member):
    item = PlanItemFactory(plan__organization=org)
    stranger = make_member(org)
    with pytest.raises(ValidationError, match="is not assigned to"):
        services.plan_item_mark_done(item=item, membership=stranger, actor=stranger.user)


def test_team_members_can_mark_team_plan_items_done(org, make_member):
    member = make_member(org)
    team = TeamFactory(organization=org, members=[member])
    item = PlanItemFactory(plan=LearningPlanFactory(organization=org, team=team))
    services.plan_item_mark_done(item=item, membership=member, actor=member.user)
    assert ItemCompletion.objects.filter(item=item, membership=member).exists()


def test_reopening_an_item_removes_the_completion(org):
    item = PlanItemFactory(plan__organization=org)
    member = item.plan.assignee
    services.plan_item_mark_done(item=item, membership=member, actor=member.user)
    services.plan_item_mark_undone(item=item, membership=member, actor=member.user)
    services.plan_item_mark_undone(item=item, membership=member, actor=member.user)
    assert not ItemCompletion.objects.filter(item=item).exists()
    assert _actions(org).count("learning_item.reopen") == 1


def test_resource_titles_are_unique_per_organization(org, other_org):
    ResourceFactory(organization=org, title="Trust")
    with pytest.raises(ValidationError, match="already has a resource titled"):
        services.resource_create(organization=org, actor=None, title="trust ", kind="podcast")
    services.resource_create(organization=other_org, actor=None, title="Trust", kind="podcast")


def test_resource_create_with_the_same_submission_returns_the_first_row(org, make_member):
    actor = make_member(org).user
    submission = uuid.uuid4()
    kwargs = dict(
        organization=org, actor=actor, title="New", kind="video", submission_id=submission
    )
    first = services.resource_create(**kwargs, tags="B, a ,b")
    second = services.resource_create(**kwargs)
    assert first.pk == second.pk
    assert first.tags == "b,a"
    assert _actions(org).count("learning_resource.create") == 1


def test_unknown_resource_kind_is_refused(org):
    with pytest.raises(ValidationError, match="Unknown kind"):
        services.resource_create(organization=org, actor=None, title="X", kind="book")


def test_a_resource_used_in_a_plan_cannot_be_deleted(org):
    item = PlanItemFactory(plan__organization=org)
    with pytest.raises(ValidationError, match="remove it from those plans first"):
        services.resource_delete(resource=item.resource, actor=None)
    assert Resource.objects.filter(pk=item.resource.pk).exists()


def test_session_attendees_must_be_members_and_the_write_is_audited(org, other_org, make_member):
    with pytest.raises(ValidationError, match="Every attendee"):
        services.learning_session_create(
            organization=org,
            actor=None,
            session_date=TODAY,
            topic="Trust",
            attendees=[make_member(other_org)],
        )
    member = make_member(org, role=Role.LEADER)
    session = services.learning_session_create(
        organization=org, actor=member.user, session_date=TODAY, topic="Trust", attendees=[member]
    )
    assert list(session.attendees.all()) == [member]
    assert "learning_session.create" in _actions(org)


def test_session_reflection_is_one_per_person_and_updated_in_place(org, make_member):
    member = make_member(org)
    session = services.learning_session_create(
        organization=org, actor=None, session_date=TODAY, topic="Trust"
    )
    services.session_reflection_save(session=session, author=member, actor=None, text="One")
    services.session_reflection_save(session=session, author=member, actor=None, text="Two")
    assert list(session.reflections.values_list("text", flat=True)) == ["Two"]
    with pytest.raises(ValidationError, match="Write a reflection"):
        services.session_reflection_save(session=session, author=member, actor=None, text="  ")
