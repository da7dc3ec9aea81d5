import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments import services
from commitments.models import Commitment, CommitmentStatusChange
from equity_portal.core.models import AuditEvent
from equity_portal.core.roles import Role

from .factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def _create(org, owner, actor, **kwargs):
    defaults = {
        "statement": "Report screening rates by race, ethnicity and language",
        "due_date": timezone.localdate() + datetime.timedelta(days=90),
        "step": "data",
    }
    return services.commitment_create(
        organization=org, owner=owner, actor=actor, **{**defaults, **kwargs}
    )


def test_create_records_history_and_audit(org, champion):
    commitment = _create(org, champion, champion.user)

    assert commitment.status == Commitment.Status.PLANNED
    history = list(commitment.status_changes.all())
    assert [(h.from_status, h.to_status) for h in history] == [("", "planned")]
    event = AuditEvent.objects.get(action="commitment.create")
    assert event.organization == org
    assert event.object_id == str(commitment.pk)
    assert event.actor == champion.user


def test_statement_is_required(org, champion):
    with pytest.raises(ValidationError) as error:
        _create(org, champion, champion.user, statement="   ")
    assert error.value.message_dict == {"statement": ["Write what you commit to."]}


def test_owner_must_be_an_active_member(org, make_member, champion):
    inactive = make_member(org, Role.ANALYST, is_active=False)
    with pytest.raises(ValidationError) as error:
        _create(org, inactive, champion.user)
    assert error.value.message_dict["owner"] == ["Choose an active member of Alice Health."]
    assert not Commitment.objects.exists()


def test_owner_must_belong_to_the_same_organization(org, other_org, make_member, champion):
    outsider = make_member(other_org, Role.ADMIN)
    with pytest.raises(ValidationError) as error:
        _create(org, outsider, champion.user)
    assert "owner" in error.value.message_dict
    assert not Commitment.objects.exists()


def test_same_statement_for_the_same_owner_is_refused(org, champion):
    _create(org, champion, champion.user)
    with pytest.raises(ValidationError) as error:
        _create(
            org,
            champion,
            champion.user,
            statement="report screening rates by race, ethnicity and language ",
        )
    assert "already has a commitment with this statement" in error.value.messages[0]
    assert Commitment.objects.count() == 1


def test_change_status_records_history_and_audit(org, champion):
    commitment = _create(org, champion, champion.user)
    change = services.commitment_change_status(
        commitment=commitment, status="in_progress", actor=champion.user
    )
    services.commitment_change_status(
        commitment=commitment, status="done", reason="Dashboard live", actor=champion.user
    )

    commitment.refresh_from_db()
    assert commitment.status == "done"
    assert change.from_status == "planned" and change.to_status == "in_progress"
    history = list(
        CommitmentStatusChange.objects.filter(commitment=commitment).order_by("changed_at", "pk")
    )
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", "planned"),
        ("planned", "in_progress"),
        ("in_progress", "done"),
    ]
    assert history[-1].reason == "Dashboard live"
    assert AuditEvent.objects.filter(action="commitment.change_status").count() == 2


def test_dropping_needs_a_reason(org, champion):
    commitment = _create(org, champion, champion.user)
    with pytest.raises(ValidationError) as error:
        services.commitment_change_status(
            commitment=commitment, status="dropped", reason=" ", actor=champion.user
        )
    assert error.value.message_dict == {"reason": ["Say why the commitment is dropped."]}
    commitment.refresh_from_db()
    assert commitment.status == "planned"

    services.commitment_change_status(
        commitment=commitment, status="dropped", reason="Merged into another", actor=champion.user
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.dropped_reason) == ("dropped", "Merged into another")


def test_reopening_a_dropped_commitment_clears_its_reason_but_keeps_history(org, champion):
    commitment = CommitmentFactory(organization=org, owner=champion)
    services.commitment_change_status(
        commitment=commitment, status="dropped", reason="No budget", actor=champion.user
    )
    services.commitment_change_status(commitment=commitment, status="planned", actor=champion.user)
    commitment.refresh_from_db()
    assert commitment.dropped_reason == ""
    assert commitment.status_changes.filter(reason="No budget").exists()


def test_asking_for_the_current_status_changes_nothing(org, champion):
    commitment = CommitmentFactory(organization=org, owner=champion)
    assert (
        services.commitment_change_status(
            commitment=commitment, status="planned", actor=champion.user
        )
        is None
    )
    assert commitment.status_changes.count() == 1
    assert not AuditEvent.objects.filter(action="commitment.change_status").exists()


def test_unknown_status_is_refused(org, champion):
    commitment = CommitmentFactory(organization=org, owner=champion)
    with pytest.raises(ValidationError) as error:
        services.commitment_change_status(
            commitment=commitment, status="finished", actor=champion.user
        )
    assert "status" in error.value.message_dict


def test_update_changes_fields_and_audits_the_field_names(org, champion, make_member):
    other = make_member(org, Role.LEADER)
    commitment = CommitmentFactory(organization=org, owner=champion)
    services.commitment_update(
        commitment=commitment,
        actor=champion.user,
        owner=other,
        step="improve",
        statement=commitment.statement,
    )
    commitment.refresh_from_db()
    assert commitment.owner == other and commitment.step == "improve"
    event = AuditEvent.objects.get(action="commitment.update")
    assert event.details == {"fields": ["owner", "step"]}


def test_update_refuses_an_owner_from_another_organization(org, other_org, make_member, champion):
    commitment = CommitmentFactory(organization=org, owner=champion)
    with pytest.raises(ValidationError):
        services.commitment_update(
            commitment=commitment, actor=champion.user, owner=make_member(other_org)
        )
    commitment.refresh_from_db()
    assert commitment.owner == champion


def test_overdue_only_for_open_commitments_past_their_date(org, champion):
    past = timezone.localdate() - datetime.timedelta(days=1)
    assert CommitmentFactory(organization=org, owner=champion, due_date=past).is_overdue
    assert not CommitmentFactory(
        organization=org, owner=champion, due_date=past, status="done"
    ).is_overdue
    assert not CommitmentFactory(organization=org, owner=champion, due_date=None).is_overdue
    assert not CommitmentFactory(
        organization=org, owner=champion, due_date=timezone.localdate()
    ).is_overdue
