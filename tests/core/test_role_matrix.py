"""The permission matrix in core/roles.py is exactly DESIGN §3's table."""

from equity_portal.core.roles import ROLE_CAPABILITIES, Capability, Role, role_can

# DESIGN §3, row by row: champion, analyst, leader, admin ("edit"/"yes" = allowed).
DESIGN_TABLE = {
    Capability.VIEW: (True, True, True, True),  # overview, results, charters, campaigns
    Capability.EDIT_STEPS: (True, True, True, True),  # self-assessment, commitments, learning, PDSA
    Capability.MANAGE_DATA: (False, True, False, True),  # extracts, mappings, community data
    Capability.CREATE_PLANS: (True, True, True, True),  # charters / campaigns
    Capability.APPROVE: (False, False, True, True),  # approve vision, charters
    Capability.MANAGE_USERS: (False, False, False, True),  # users, roles, audit log
}
ROLE_ORDER = (Role.CHAMPION, Role.ANALYST, Role.LEADER, Role.ADMIN)


def test_role_capabilities_equal_the_design_table():
    expected = {
        role: frozenset(cap for cap, allowed in DESIGN_TABLE.items() if allowed[column])
        for column, role in enumerate(ROLE_ORDER)
    }
    assert expected == ROLE_CAPABILITIES


def test_every_role_and_capability_is_in_the_table():
    assert set(ROLE_CAPABILITIES) == set(Role.values)
    assert set(DESIGN_TABLE) == set(Capability)


def test_role_can_refuses_unknown_roles():
    assert not role_can("superuser", Capability.VIEW)
    assert role_can(Role.ADMIN, "manage_users")
