"""Roles and what they may do: the permission matrix of DESIGN §3, in one place.

Views declare a capability (`@org_view(Capability.X)`), templates ask `membership|can:"x"`, and the
URL sweep test reads the same table, so the matrix cannot drift between them.
"""

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    CHAMPION = "champion", "Equity champion"
    ANALYST = "analyst", "Analyst"
    LEADER = "leader", "Leader"
    ADMIN = "admin", "Administrator"


class Capability(StrEnum):
    VIEW = "view"  # overview, results, charters, campaigns
    EDIT_STEPS = "edit_steps"  # self-assessment, commitments, learning, PDSA
    MANAGE_DATA = "manage_data"  # upload extracts, edit mappings and value maps, community data
    CREATE_PLANS = "create_plans"  # create charters and campaigns
    APPROVE = "approve"  # approve the vision and charters
    MANAGE_USERS = "manage_users"  # members, roles, invitations, audit log


_EVERYONE = {Capability.VIEW, Capability.EDIT_STEPS, Capability.CREATE_PLANS}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.CHAMPION: frozenset(_EVERYONE),
    Role.ANALYST: frozenset(_EVERYONE | {Capability.MANAGE_DATA}),
    Role.LEADER: frozenset(_EVERYONE | {Capability.APPROVE}),
    Role.ADMIN: frozenset(
        _EVERYONE | {Capability.MANAGE_DATA, Capability.APPROVE, Capability.MANAGE_USERS}
    ),
}


def role_can(role: str, capability: Capability | str) -> bool:
    return Capability(capability) in ROLE_CAPABILITIES.get(role, frozenset())
