"""The overview's own data: the accreditation requirements an organization is surveyed on
(editable, since the rules change every year) and the board reports it generated."""

from django.conf import settings
from django.db import models

from equity_portal.core.models import Job, Organization, OrgScopedManager


class EvidenceRequirement(models.Model):
    """One requirement of an accreditation or reporting framework, mapped to the kinds of
    portal records (evidence providers, `equity_portal.core.evidence`) that show it is met."""

    class Framework(models.TextChoices):
        TJC = "tjc", "The Joint Commission: health care equity"
        CMS = "cms", "CMS: hospital commitment to health equity"
        OTHER = "other", "Other"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    framework = models.CharField(max_length=10, choices=Framework.choices)
    code = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    evidence_kinds = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OrgScopedManager()

    class Meta:
        ordering = ["framework", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="evidence_requirement_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class BoardReport(models.Model):
    """A generated board report PDF. Kept in the database, not on disk, so any web process
    can serve what any worker built."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(Job, on_delete=models.SET_NULL, null=True, blank=True)
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    pdf = models.BinaryField(editable=False, default=bytes)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Board report {self.pk} of {self.organization_id}"
