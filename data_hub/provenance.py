"""Where a published number comes from, and the organization's effective small-cell
threshold: the one definition of each, used by pages, charts, exports and the read API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import equity_stats
from equity_portal.core.models import Organization


def effective_k(organization: Organization) -> int:
    """The organization's suppression threshold, never below the floor (exports included)."""
    return max(int(organization.suppression_k or equity_stats.MIN_K), equity_stats.MIN_K)


@dataclass(frozen=True)
class Provenance:
    """Extract, mapping, value-map and method versions behind a number (issue 6 §6):
    printed on every page, chart and export, and stored with a charter's baseline."""

    extract_id: int
    extract_name: str
    mapping: str
    value_map_version: int | None
    method_version: str
    computed_at: datetime | None = None
    processed_at: datetime | None = None

    @classmethod
    def of(cls, extract, *, method_version: str | None = None) -> Provenance:
        """From an `Extract` (its `provenance` row select_related by the caller)."""
        from data_hub.models import ExtractProvenance

        try:
            prov = extract.provenance
        except ExtractProvenance.DoesNotExist:
            prov = None
        return cls(
            extract_id=extract.pk,
            extract_name=extract.original_name,
            mapping=(prov.mapping_name or "remembered mapping") if prov else "",
            value_map_version=prov.value_map_version if prov else None,
            method_version=method_version or equity_stats.METHOD_VERSION,
            computed_at=prov.computed_at if prov else None,
            processed_at=extract.processed_at,
        )

    def as_rows(self) -> list[tuple[str, str]]:
        return [
            ("extract_id", str(self.extract_id)),
            ("extract_name", self.extract_name),
            ("mapping", self.mapping),
            (
                "value_map_version",
                "" if self.value_map_version is None else str(self.value_map_version),
            ),
            ("method_version", self.method_version),
            ("counts_computed_at", self.computed_at.isoformat() if self.computed_at else ""),
            ("processed_at", self.processed_at.isoformat() if self.processed_at else ""),
        ]

    def as_text(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.as_rows())

    def as_dict(self) -> dict:
        return {
            "extract_id": self.extract_id,
            "extract_name": self.extract_name,
            "mapping": self.mapping,
            "value_map_version": self.value_map_version,
            "method_version": self.method_version,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "processed_at": self.processed_at.isoformat() if self.processed_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Provenance:
        def when(value):
            return datetime.fromisoformat(value) if value else None

        return cls(
            extract_id=int(data["extract_id"]),
            extract_name=data.get("extract_name", ""),
            mapping=data.get("mapping", ""),
            value_map_version=data.get("value_map_version"),
            method_version=data.get("method_version", ""),
            computed_at=when(data.get("computed_at")),
            processed_at=when(data.get("processed_at")),
        )
