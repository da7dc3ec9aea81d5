"""Pseudonymization keys are derived (never stored), deterministic per organization and
different across organizations (DESIGN §3)."""

import pytest

from equity_portal.core.models import Organization
from equity_portal.core.pseudonymize import organization_key, pseudonymize

pytestmark = pytest.mark.django_db


def test_key_is_derived_and_not_stored(org):
    key = organization_key(org)

    assert len(key) == 32
    stored = Organization.objects.filter(pk=org.pk).values().get()
    for value in stored.values():
        assert key.hex() not in str(value) and str(key) not in str(value)


def test_same_identifier_same_organization_same_pseudonym(org):
    again = Organization.objects.get(pk=org.pk)  # a fresh load derives the same key
    assert organization_key(org) == organization_key(again)
    assert pseudonymize("MRN-001", organization_key(org)) == pseudonymize(
        " MRN-001 ", organization_key(again)
    )


def test_organizations_get_different_keys_and_pseudonyms(org, other_org):
    assert organization_key(org) != organization_key(other_org)
    assert pseudonymize("MRN-001", organization_key(org)) != pseudonymize(
        "MRN-001", organization_key(other_org)
    )


def test_pseudonym_hides_the_identifier(org):
    pseudonym = pseudonymize("MRN-001", organization_key(org))
    assert "MRN" not in pseudonym and len(pseudonym) == 64
    assert pseudonym != pseudonymize("MRN-002", organization_key(org))


def test_key_depends_on_the_server_secret(org, settings):
    before = organization_key(org)
    settings.PSEUDONYMIZATION_SECRET = "another-server-secret"
    assert organization_key(org) != before


def test_unsaved_organization_has_no_key():
    with pytest.raises(ValueError, match="save it first"):
        organization_key(Organization(name="Unsaved", slug="unsaved"))
