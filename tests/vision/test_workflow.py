"""Review workflow of charters and the vision statement: draft -> submitted -> approved, or
returned with a required comment; only leaders and administrators decide; an approved charter
is read-only and changes only through a new revision that is approved again; every transition
is audited and listed on the charter's history."""

import pytest
from django.core.exceptions import ValidationError

from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role
from tests.vision.conftest import vurl
from tests.vision.factories import (
    BLACK,
    HISPANIC,
    CharterFactory,
    leader_of,
    make_goal,
    make_priority,
)
from vision import services
from vision.models import Charter, CharterGoal, ReviewStatus, VisionStatement

pytestmark = pytest.mark.django_db


@pytest.fixture
def charter(org, data):
    charter = CharterFactory(organization=org, title="Screening gap")
    make_goal(charter, make_priority(org, BLACK))
    return charter


def _actions(org):
    return list(
        AuditEvent.objects.filter(organization=org, object_type="vision.charter")
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )


def test_submit_needs_a_goal(org):
    empty = CharterFactory(organization=org)
    with pytest.raises(ValidationError, match="at least one SMART goal"):
        services.charter_submit(charter=empty, actor=None)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_only_leaders_and_admins_approve(org, charter, member_client, role):
    client = member_client(org, role)
    services.charter_submit(charter=charter, actor=client.user)
    response = client.post(vurl(org, "charter_decide", pk=charter.pk), {"decision": "approve"})
    charter.refresh_from_db()
    if role in (Role.LEADER, Role.ADMIN):
        assert response.status_code == 302 and charter.status == ReviewStatus.APPROVED
        assert charter.decided_by == client.user
    else:
        assert response.status_code == 403 and charter.status == ReviewStatus.SUBMITTED


def test_the_service_refuses_a_non_approver_too(org, charter, make_member):
    services.charter_submit(charter=charter, actor=None)
    champion = make_member(org, Role.CHAMPION).user
    with pytest.raises(ValidationError, match="Only leaders and administrators"):
        services.charter_approve(charter=charter, actor=champion)
    outsider = make_member(org, Role.LEADER, is_active=False).user
    with pytest.raises(ValidationError):
        services.charter_approve(charter=charter, actor=outsider)


def test_returning_requires_a_comment_and_the_author_resubmits(org, charter, member_client):
    leader = member_client(org, Role.LEADER)
    champion = member_client(org, Role.CHAMPION)
    champion.post(vurl(org, "charter_submit", pk=charter.pk))
    charter.refresh_from_db()
    assert charter.status == ReviewStatus.SUBMITTED

    leader.post(vurl(org, "charter_decide", pk=charter.pk), {"decision": "return", "comment": " "})
    charter.refresh_from_db()
    assert charter.status == ReviewStatus.SUBMITTED  # no comment, no return

    leader.post(
        vurl(org, "charter_decide", pk=charter.pk),
        {"decision": "return", "comment": "Name the population of focus."},
    )
    charter.refresh_from_db()
    assert charter.status == ReviewStatus.RETURNED
    assert charter.review_comment == "Name the population of focus."
    page = champion.get(vurl(org, "charter_detail", pk=charter.pk)).text
    assert "Name the population of focus." in page

    services.charter_update(
        charter=charter, actor=champion.user, team=charter.team, population_of_focus="Adults"
    )
    champion.post(vurl(org, "charter_submit", pk=charter.pk))
    leader.post(vurl(org, "charter_decide", pk=charter.pk), {"decision": "approve"})
    charter.refresh_from_db()
    assert charter.status == ReviewStatus.APPROVED
    assert _actions(org) == [
        "charter.goal_add",
        "charter.submit",
        "charter.return",
        "charter.update",
        "charter.submit",
        "charter.approve",
    ]


def test_an_approved_charter_is_read_only(org, charter, member_client):
    services.charter_submit(charter=charter, actor=None)
    services.charter_approve(charter=charter, actor=leader_of(org))
    goal = charter.goals.get()
    with pytest.raises(ValidationError, match="read-only"):
        services.charter_update(charter=charter, actor=None, team=charter.team, title="New")
    with pytest.raises(ValidationError, match="read-only"):
        services.goal_update(
            goal=goal,
            actor=None,
            title="x",
            aim="rate",
            target_value=0.7,
            target_date=goal.target_date,
            granularity="quarter",
        )
    with pytest.raises(ValidationError, match="read-only"):
        services.goal_baseline_refresh(goal=goal, actor=None)
    with pytest.raises(ValidationError, match="read-only"):
        services.charter_milestone_add(
            charter=charter, actor=None, title="x", due_date=goal.target_date
        )
    client = member_client(org, Role.CHAMPION)
    client.post(
        vurl(org, "charter_edit", pk=charter.pk), {"title": "Changed", "team": charter.team.pk}
    )
    charter.refresh_from_db()
    assert charter.title == "Screening gap"


def test_a_revision_goes_through_approval_again_and_supersedes(org, data, charter, member_client):
    leader = member_client(org, Role.LEADER)
    champion = member_client(org, Role.CHAMPION)
    services.charter_submit(charter=charter, actor=champion.user)
    services.charter_approve(charter=charter, actor=leader.user)
    old_goal = charter.goals.get()

    response = champion.post(vurl(org, "charter_revise", pk=charter.pk))
    revision = Charter.objects.get(lineage=charter.lineage, revision=2)
    assert response.url == vurl(org, "charter_detail", pk=revision.pk)
    assert revision.status == ReviewStatus.DRAFT and revision.parent == charter
    new_goal = revision.goals.get()
    assert new_goal.lineage == old_goal.lineage and new_goal.pk != old_goal.pk
    assert new_goal.baseline == old_goal.baseline
    # A second revision cannot start while one is under way.
    with pytest.raises(ValidationError, match="already under way"):
        services.charter_revise(charter=charter, actor=None)

    services.goal_update(
        goal=new_goal,
        actor=champion.user,
        title="Tighter",
        aim="difference",
        target_value=0.05,
        target_date=new_goal.target_date,
        granularity="quarter",
    )
    services.goal_create(
        charter=revision,
        actor=None,
        priority=make_priority(org, HISPANIC),
        title="Second",
        aim="rate",
        target_value=0.7,
        target_date=new_goal.target_date,
    )
    charter.refresh_from_db()
    assert charter.status == ReviewStatus.APPROVED and charter.superseded_at is None
    old_goal.refresh_from_db()
    assert old_goal.title == "Close the gap" and old_goal.target_value == 0.1

    champion.post(vurl(org, "charter_submit", pk=revision.pk))
    leader.post(vurl(org, "charter_decide", pk=revision.pk), {"decision": "approve"})
    revision.refresh_from_db()
    charter.refresh_from_db()
    assert revision.status == ReviewStatus.APPROVED
    assert charter.superseded_at is not None and not charter.is_editable
    from vision.selectors import charter_list, current_goal

    assert list(charter_list(organization=org)) == [revision]
    assert current_goal(old_goal).pk == new_goal.pk
    assert CharterGoal.objects.filter(charter=revision).count() == 2

    history = leader.get(vurl(org, "charter_detail", pk=revision.pk)).text
    for action in ("charter.revise", "charter.supersede", "charter.approve", "charter.goal_update"):
        assert action in history


def test_vision_statement_versions_and_approval(org, member_client):
    champion = member_client(org, Role.CHAMPION)
    leader = member_client(org, Role.LEADER)
    champion.post(vurl(org, "statement_save"), {"text": "Equal care, first draft."})
    first = VisionStatement.objects.get(organization=org)
    assert (first.version, first.status) == (1, ReviewStatus.DRAFT)
    champion.post(vurl(org, "statement_save"), {"text": "Equal care for every patient."})
    first.refresh_from_db()
    assert first.text == "Equal care for every patient."

    champion.post(vurl(org, "statement_submit", pk=first.pk))
    assert (
        champion.post(
            vurl(org, "statement_decide", pk=first.pk), {"decision": "approve"}
        ).status_code
        == 403
    )
    leader.post(vurl(org, "statement_decide", pk=first.pk), {"decision": "return"})
    first.refresh_from_db()
    assert first.status == ReviewStatus.SUBMITTED  # a return needs a comment
    leader.post(
        vurl(org, "statement_decide", pk=first.pk), {"decision": "approve", "comment": "Yes."}
    )
    first.refresh_from_db()
    assert first.status == ReviewStatus.APPROVED

    home = champion.get(f"/o/{org.slug}/").text
    assert "Equal care for every patient." in home and "data-approved-vision" in home

    # A new version is a new row; the approved one stays the vision until the new one is approved.
    champion.post(vurl(org, "statement_save"), {"text": "Equal care, version two."})
    second = VisionStatement.objects.get(organization=org, version=2)
    assert second.status == ReviewStatus.DRAFT
    with pytest.raises(ValidationError, match="read-only|start a new version"):
        services.vision_statement_update(statement=first, actor=None, text="rewrite history")
    from vision.selectors import approved_vision

    assert approved_vision(org) == first
    services.vision_statement_submit(statement=second, actor=None)
    services.vision_statement_approve(statement=second, actor=leader.user)
    assert approved_vision(org) == second
    actions = set(
        AuditEvent.objects.filter(
            organization=org, object_type="vision.visionstatement"
        ).values_list("action", flat=True)
    )
    assert actions == {
        "vision_statement.create",
        "vision_statement.update",
        "vision_statement.submit",
        "vision_statement.approve",
    }


def test_adopting_a_priority_is_a_leaders_decision(org, data, member_client):
    priority = make_priority(org, BLACK)
    champion = member_client(org, Role.CHAMPION)
    leader = member_client(org, Role.LEADER)
    assert (
        champion.post(
            vurl(org, "priority_status", pk=priority.pk), {"status": "adopted"}
        ).status_code
        == 403
    )
    leader.post(vurl(org, "priority_status", pk=priority.pk), {"status": "adopted"})
    priority.refresh_from_db()
    assert priority.status == "adopted"
    assert AuditEvent.objects.filter(organization=org, action="priority.adopt").count() == 1
