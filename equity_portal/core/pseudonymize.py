"""Per-organization pseudonymization of patient identifiers (DESIGN §3).

The key is derived, never stored: HKDF-SHA256 over the server's PSEUDONYMIZATION_SECRET with the
organization's random salt. The same identifier in the same organization always maps to the same
pseudonym (so rows can be joined over time); across organizations the pseudonyms differ.
"""

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from .models import Organization


def organization_key(organization: Organization) -> bytes:
    if not organization.pseudonym_salt:
        raise ValueError("organization has no pseudonym salt; save it first")
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=bytes.fromhex(organization.pseudonym_salt),
        info=b"equity-portal patient pseudonym v1",
    ).derive(settings.PSEUDONYMIZATION_SECRET.encode())


def pseudonymize(identifier: str, key: bytes) -> str:
    """HMAC-SHA256 of one identifier, hex. Hash each distinct identifier once, not every row."""
    return hmac.new(key, identifier.strip().encode(), hashlib.sha256).hexdigest()


def pseudonymize_many(identifiers: list[str], key: bytes) -> list[str]:
    """`pseudonymize` of each identifier, for batches: the key's inner and outer SHA-256 states
    (RFC 2104) are computed once and copied per identifier, about twice as fast as
    `hmac.new` per identifier. Same output as `pseudonymize`."""
    block = hashlib.sha256().block_size
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key)).copy
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key)).copy
    out = []
    for identifier in identifiers:
        digest = inner()
        digest.update(identifier.strip().encode())
        final = outer()
        final.update(digest.digest())
        out.append(final.hexdigest())
    return out
