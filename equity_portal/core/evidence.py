"""Accreditation evidence providers (issue 14 §3): a seam through which any app reports the
records that show one kind of evidence, without the overview knowing its models.

A provider is registered under a stable key (the "record kind" an evidence requirement maps
to) and returns an `EvidenceResult` for one organization. The overview app registers the
providers of the steps it can read; a step may register its own from its AppConfig.ready().
Providers must run a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Organization

MET = "met"
PARTLY = "partly"
NONE = "none"
STATUS_LABELS = {MET: "Met", PARTLY: "Partly met", NONE: "No evidence"}


@dataclass(frozen=True)
class EvidenceItem:
    """One record that is evidence: what it is, where to see it, and a detail line."""

    label: str
    url: str = ""
    detail: str = ""
    date: object = None


@dataclass(frozen=True)
class EvidenceResult:
    status: str  # MET, PARTLY or NONE
    summary: str
    items: tuple[EvidenceItem, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class EvidenceProvider:
    key: str
    label: str
    step: str
    collect: Callable[[Organization], EvidenceResult]


_providers: dict[str, EvidenceProvider] = {}


def register_evidence_provider(
    key: str, *, label: str, step: str, collect: Callable[[Organization], EvidenceResult]
) -> None:
    _providers[key] = EvidenceProvider(key=key, label=label, step=step, collect=collect)


def evidence_providers() -> dict[str, EvidenceProvider]:
    return dict(_providers)


def evidence_kind_choices() -> list[tuple[str, str]]:
    return sorted(((p.key, p.label) for p in _providers.values()), key=lambda kv: kv[1])
