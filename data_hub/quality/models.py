"""Data quality of REaL fields (DESIGN §5.8, issue 6 §3), counted in PATIENTS.

Filled from an extract's pseudonymized Parquet file by `services.quality_compute` when the
extract is processed or re-stratified; the report pages read only these tables.
"""

from django.db import models

from data_hub.defaults import ALL_SITES, QUALITY_DIMENSIONS
from data_hub.models import Extract
from equity_portal.core.models import Organization, OrgScopedManager

__all__ = ["ALL_SITES", "QUALITY_DIMENSIONS", "QualityCount", "QualitySnapshot"]


class QualitySnapshot(models.Model):
    """One computation of an extract's quality counts (and what it was computed with)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.OneToOneField(Extract, on_delete=models.CASCADE, related_name="+")
    value_map_version = models.PositiveIntegerField(null=True, blank=True)
    patients = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField()

    objects = OrgScopedManager()

    def __str__(self) -> str:
        return f"Quality of extract {self.extract_id}"


class QualityCount(models.Model):
    """Distinct patients of one extract x period x site x dimension x group. Site
    "All sites" counts each patient once across sites."""

    revision_tracked = False  # bulk rows: see core/revision.py

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    granularity = models.CharField(max_length=10)
    period_label = models.CharField(max_length=20)
    site = models.CharField(max_length=250)
    dimension = models.CharField(max_length=20)
    group = models.CharField(max_length=250)
    patients = models.BigIntegerField()

    objects = OrgScopedManager()

    class Meta:
        ordering = ["period_start", "site", "dimension", "group"]
        indexes = [
            models.Index(fields=["organization", "extract"], name="qualitycount_org_extract"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["extract", "period_start", "granularity", "site", "dimension", "group"],
                name="quality_count_unique_cell",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_label} {self.site} {self.dimension}={self.group}: {self.patients}"
