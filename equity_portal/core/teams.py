"""Teams, shared by the steps: Learn assigns learning plans to teams, Vision charters them.

Writes (keyword-only, atomic, audited as `team.<verb>`) and the team pickers' reads live here,
beside the core's other services, so neither step app owns the other's team.
"""

import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from .audit import audit_record
from .models import Membership, Organization, Team, User
from .roles import Capability

_UNCHANGED = object()


def _require_active_member(organization: Organization, membership: Membership, what: str) -> None:
    if membership.organization_id != organization.pk or not membership.is_active:
        raise ValidationError(
            f"{what} must be an active member of {organization.name}; "
            f"{membership.user.display_name} is not."
        )


def _validate_team(
    organization: Organization,
    *,
    name: str,
    members: list[Membership],
    executive_sponsor: Membership | None,
    lead: Membership | None,
    pk: int | None = None,
) -> None:
    if not name.strip():
        raise ValidationError("A team needs a name.")
    clash = Team.objects.filter(organization=organization, name__iexact=name.strip())
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        raise ValidationError(f"There is already a team called “{name.strip()}”.")
    for membership in members:
        _require_active_member(organization, membership, "Every team member")
    if executive_sponsor is not None:
        _require_active_member(organization, executive_sponsor, "The executive sponsor")
        if not executive_sponsor.can(Capability.APPROVE):
            raise ValidationError(
                "The executive sponsor must be a leader (or an administrator): "
                f"{executive_sponsor.user.display_name} is {executive_sponsor.get_role_display()}."
            )
    if lead is not None:
        _require_active_member(organization, lead, "The team lead")


@transaction.atomic
def team_create(
    *,
    organization: Organization,
    actor: User | None,
    name: str,
    members: Iterable[Membership] = (),
    executive_sponsor: Membership | None = None,
    lead: Membership | None = None,
    submission_id: uuid.UUID | None = None,
) -> Team:
    if submission_id is not None:
        existing = Team.objects.filter(
            organization=organization, submission_id=submission_id
        ).first()
        if existing is not None:  # the same form posted twice
            return existing
    members = list(members)
    _validate_team(
        organization, name=name, members=members, executive_sponsor=executive_sponsor, lead=lead
    )
    team = Team.objects.create(
        organization=organization,
        name=name.strip(),
        executive_sponsor=executive_sponsor,
        lead=lead,
        submission_id=submission_id,
    )
    team.members.set(members)
    audit_record(
        organization=organization,
        actor=actor,
        action="team.create",
        obj=team,
        details={
            "name": team.name,
            "members": len(members),
            "executive_sponsor": executive_sponsor.pk if executive_sponsor else None,
            "lead": lead.pk if lead else None,
        },
    )
    return team


@transaction.atomic
def team_update(
    *,
    team: Team,
    actor: User | None,
    name: str,
    members: Iterable[Membership],
    executive_sponsor=_UNCHANGED,
    lead=_UNCHANGED,
) -> Team:
    """Rename the team and set its members; the sponsor and lead change only when given (the
    Learn form edits name and members only)."""
    members = list(members)
    sponsor = team.executive_sponsor if executive_sponsor is _UNCHANGED else executive_sponsor
    new_lead = team.lead if lead is _UNCHANGED else lead
    _validate_team(
        team.organization,
        name=name,
        members=members,
        executive_sponsor=sponsor if executive_sponsor is not _UNCHANGED else None,
        lead=new_lead if lead is not _UNCHANGED else None,
        pk=team.pk,
    )
    before = set(team.members.values_list("pk", flat=True))
    team.name = name.strip()
    team.executive_sponsor = sponsor
    team.lead = new_lead
    team.save(update_fields=["name", "executive_sponsor", "lead"])
    team.members.set(members)
    after = {m.pk for m in members}
    audit_record(
        organization=team.organization,
        actor=actor,
        action="team.update",
        obj=team,
        details={
            "name": team.name,
            "added": sorted(after - before),
            "removed": sorted(before - after),
            "executive_sponsor": sponsor.pk if sponsor else None,
            "lead": new_lead.pk if new_lead else None,
        },
    )
    return team


def team_list(*, organization: Organization, q: str | None = None) -> QuerySet[Team]:
    """Teams with their active member count, for lists and pickers."""
    teams = Team.objects.filter(organization=organization)
    if q:
        teams = teams.filter(name__icontains=q)
    return (
        teams.annotate(
            member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
        )
        .select_related("executive_sponsor__user", "lead__user")
        .order_by("name", "id")
    )
