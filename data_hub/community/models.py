"""Community data beside patient data (DESIGN §1 step 3, issue 6 §4): indicators from the
Community Health Needs Assessment, the local health department, payers and others."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from data_hub.models import Measure
from equity_portal.core.models import Organization, OrgScopedManager

# An indicator with this name (any case) and unit "%" gives the community's share of a
# group: the data quality report compares the patients' category distribution with it.
POPULATION_SHARE = "Population share"


class CommunityIndicator(models.Model):
    class Source(models.TextChoices):
        CHNA = "chna", "Community Health Needs Assessment"
        HEALTH_DEPARTMENT = "health_department", "Local health department"
        PAYER = "payer", "Payer"
        OTHER = "other", "Other"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    indicator = models.CharField(max_length=200)
    geography = models.CharField(max_length=200)
    dimension = models.CharField(
        max_length=80,
        blank=True,
        help_text="The patient dimension the group belongs to (race_ethnicity, language, ...), "
        "so it can be shown beside patient data.",
    )
    group = models.CharField(
        max_length=250, blank=True, help_text="Blank for the whole population."
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=60, help_text='For example "%", "per 100,000".')
    source = models.CharField(max_length=30, choices=Source.choices)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    measure = models.ForeignKey(
        Measure,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The patient measure this indicator relates to, if any.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["indicator", "geography", "-year", "group", "id"]
        indexes = [
            models.Index(fields=["organization", "measure"], name="community_org_measure"),
            models.Index(fields=["organization", "indicator"], name="community_org_indicator"),
        ]

    def __str__(self) -> str:
        group = f" ({self.group})" if self.group else ""
        return f"{self.indicator}{group}, {self.geography} {self.year}: {self.value} {self.unit}"

    @property
    def is_population_share(self) -> bool:
        return self.indicator.strip().lower() == POPULATION_SHARE.lower() and self.unit == "%"
