"""A seam so any page can link a term to the organization's glossary (DESIGN §1, step 2)
without importing the learning app: learning registers the lookup when it starts. With no
provider (or an undefined term), terms render as plain text, so pages never show broken links."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import revision
from .models import Organization


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    url: str


# organization -> {slugified term or alias: entry}
GlossaryProvider = Callable[[Organization], Mapping[str, GlossaryEntry]]
_provider: GlossaryProvider | None = None


def register_glossary_provider(provider: GlossaryProvider) -> None:
    global _provider
    _provider = provider


def glossary_index(organization: Organization) -> Mapping[str, GlossaryEntry]:
    """Memoized per content revision (core/revision.py): the index is ~80 terms and aliases,
    each with its URL, and many pages link a few terms."""
    if _provider is None:
        return {}
    provider = _provider
    return revision.memoized("glossary", organization, (), lambda: provider(organization))
