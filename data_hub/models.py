"""Data hub: measure definitions, uploaded extracts, column mappings, value maps, and the
stratified counts every results page, disparity table and export reads (DESIGN §4).

`StratifiedCount` is the contract with the results explorer: one row per
extract x measure x period x dimension x group with plain numerator and denominator counts.
Dimensions are named `race`, `ethnicity`, `race_ethnicity`, `language`, `sex`, `age_band`,
`payer`, `site`, intersections like `race_ethnicity x language` (group labels joined by " x "),
and `all` (group "All patients": the measure's total for the period).
"""

from django.conf import settings
from django.db import models

import equity_stats
from equity_portal.core.models import Job, Organization, OrgScopedManager

DIMENSIONS = (
    "race",
    "ethnicity",
    "race_ethnicity",
    "language",
    "sex",
    "age_band",
    "payer",
    "site",
)
INTERSECTION_SEPARATOR = " x "
DEFAULT_INTERSECTIONS = (
    "race_ethnicity x language",
    "race_ethnicity x sex",
    "race_ethnicity x age_band",
    "race_ethnicity x payer",
)
OVERALL_DIMENSION = "all"
OVERALL_GROUP = "All patients"
# What people read for each dimension code: the one table of dimension labels.
DIMENSION_LABELS = {
    "race": "Race",
    "ethnicity": "Ethnicity",
    "race_ethnicity": "Race and ethnicity",
    "language": "Language",
    "sex": "Sex",
    "age_band": "Age band",
    "payer": "Payer",
    "site": "Site",
    OVERALL_DIMENSION: "All patients",
}


def dimension_label(code: str) -> str:
    """A dimension or intersection code as people read it: "race_ethnicity x language" ->
    "Race and ethnicity x Language"; an unknown code is tidied, never shown raw."""
    parts = code.split(INTERSECTION_SEPARATOR)
    return INTERSECTION_SEPARATOR.join(
        DIMENSION_LABELS.get(part, part.replace("_", " ").capitalize()) for part in parts
    )


class Measure(models.Model):
    class Category(models.TextChoices):
        ACCESS = "access", "Access"
        PREVENTIVE = "preventive_screening", "Preventive screening"
        TREATMENT = "treatment", "Treatment"
        QUALITY = "quality", "Quality"
        OUTCOME = "outcome", "Outcome"
        SOCIAL_NEED = "social_need", "Social need"

    class Direction(models.TextChoices):
        HIGHER = "higher_is_better", "Higher is better"
        LOWER = "lower_is_better", "Lower is better"

    class ReferenceRule(models.TextChoices):
        LARGEST = equity_stats.REF_LARGEST, "Largest group"
        BEST = equity_stats.REF_BEST, "Group with the best rate"
        POOLED = equity_stats.REF_POOLED, "Pooled rate of all groups"
        NAMED = equity_stats.REF_NAMED, "A named group"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=30, choices=Category.choices, default=Category.QUALITY)
    direction = models.CharField(max_length=20, choices=Direction.choices, default=Direction.HIGHER)
    steward = models.CharField("source or steward", max_length=200, blank=True)
    # DESIGN §5.4: the group each measure's disparities are measured against, by default.
    reference_rule = models.CharField(
        "reference group",
        max_length=10,
        choices=ReferenceRule.choices,
        default=ReferenceRule.LARGEST,
    )
    reference_group = models.CharField(
        "named reference group",
        max_length=250,
        blank=True,
        help_text="Only for a named reference, e.g. White or English.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="measure_code_per_org")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """What people read: the name, with the code beside it only when it says something
        more ("Flu vaccination", not "Flu vaccination (Flu vaccination)")."""
        name, code = self.name.strip(), self.code.strip()
        if not name or name.casefold() == code.casefold():
            return name or code
        return f"{name} ({code})"


class ColumnMapping(models.Model):
    """How an extract's headers map to the canonical fields.

    `config` = {"format": "long"|"wide", "columns": {header: target}, "date_period": "month"};
    a wide-format measure column has the target "measure:<code>". A mapping with an empty name
    is the one remembered for its header signature; named mappings are saved by the analyst.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120, blank=True)
    header_signature = models.CharField(max_length=64, db_index=True)
    config = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name", "-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "header_signature"],
                condition=models.Q(name=""),
                name="one_remembered_mapping_per_signature",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=~models.Q(name=""),
                name="mapping_name_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Remembered mapping {self.header_signature[:8]}"


class ValueMapEntry(models.Model):
    """One source spelling -> standard label, per organization and family."""

    class Family(models.TextChoices):
        RACE = "race", "Race (and combined race/ethnicity)"
        ETHNICITY = "ethnicity", "Ethnicity (Hispanic or Latino question)"
        LANGUAGE = "language", "Language"
        SEX = "sex", "Sex"
        PAYER = "payer", "Payer class"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=20, choices=Family.choices)
    # Stored normalized (trimmed, lower case, single spaces): the lookup key.
    source_value = models.CharField(max_length=200)
    target = models.CharField(max_length=120)
    is_default = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["family", "source_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "family", "source_value"], name="value_map_entry_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.family}: {self.source_value} -> {self.target}"


class HubSettings(models.Model):
    """Per-organization data hub settings: intersections and the value-map version."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    intersections = models.JSONField(default=list)
    # Bumped by every value-map change; stored with each extract's results as provenance.
    value_map_version = models.PositiveIntegerField(default=1)

    objects = OrgScopedManager()

    def __str__(self) -> str:
        return f"Data hub settings of {self.organization}"


class Extract(models.Model):
    class Status(models.TextChoices):
        INSPECTING = "inspecting", "Reading the file"
        UPLOADED = "uploaded", "Needs column mapping"
        QUEUED = "queued", "Queued"
        PROCESSING = "processing", "Processing"
        WAITING = "waiting", "Waiting for the analyst"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"
        DISCARDED = "discarded", "Discarded"

    class FileFormat(models.TextChoices):
        CSV = "csv", "Delimited text"
        XLSX = "xlsx", "Excel workbook"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, choices=FileFormat.choices)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    # Relative to PRIVATE_STORAGE_ROOT; never under a URL.
    raw_path = models.CharField(max_length=300, blank=True)
    raw_deleted_at = models.DateTimeField(null=True, blank=True)
    raw_delete_after = models.DateTimeField(null=True, blank=True)
    headers = models.JSONField(default=list)
    header_signature = models.CharField(max_length=64, blank=True)
    mapping = models.ForeignKey(
        ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mapping_config = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Analyst decisions taken while the extract waited.
    accept_rejections = models.BooleanField(default=False)
    rejected_measure_codes = models.JSONField(default=list, blank=True)
    undefined_measure_codes = models.JSONField(default=list, blank=True)
    # The report (no identifiers): counts, the first rejected rows, unmapped values.
    rows_read = models.BigIntegerField(default=0)
    rows_accepted = models.BigIntegerField(default=0)
    rows_rejected = models.BigIntegerField(default=0)
    rows_excluded = models.BigIntegerField(default=0)
    rows_skipped = models.BigIntegerField(default=0)
    measures_count = models.PositiveIntegerField(default=0)
    periods_count = models.PositiveIntegerField(default=0)
    rejected_sample = models.JSONField(default=list, blank=True)
    rejected_reasons = models.JSONField(default=dict, blank=True)
    unmapped_values = models.JSONField(default=dict, blank=True)
    rejects_path = models.CharField(max_length=300, blank=True)
    parquet_path = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Extract {self.pk}: {self.original_name}"

    @property
    def rejected_percent(self) -> float:
        return 100.0 * self.rows_rejected / self.rows_read if self.rows_read else 0.0


class ExtractProvenance(models.Model):
    """Where an extract's numbers come from: mapping, value maps, engine and method versions."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.OneToOneField(Extract, on_delete=models.CASCADE, related_name="provenance")
    mapping_name = models.CharField(max_length=120, blank=True)
    mapping_config = models.JSONField(default=dict)
    header_signature = models.CharField(max_length=64, blank=True)
    value_map_version = models.PositiveIntegerField()
    intersections = models.JSONField(default=list)
    method_version = models.CharField(max_length=40, blank=True)
    ingest_version = models.CharField(max_length=40)
    engine = models.CharField(max_length=40)
    restratified_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    # Issue 10: what the disclosure audit did for this extract's publication (cells,
    # cells audited, cells protected, primary, secondary, programs solved, seconds).
    disclosure = models.JSONField(default=dict, blank=True)

    objects = OrgScopedManager()

    def __str__(self) -> str:
        return f"Provenance of extract {self.extract_id}"


class StratifiedCount(models.Model):
    """Numerator and denominator of one measure x period x dimension x group of one extract."""

    revision_tracked = False  # bulk rows: see core/revision.py

    class Granularity(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Year"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="counts")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="counts")
    period_start = models.DateField()
    granularity = models.CharField(max_length=10, choices=Granularity.choices)
    period_label = models.CharField(max_length=20)
    dimension = models.CharField(max_length=80)
    group = models.CharField(max_length=250)
    numerator = models.BigIntegerField()
    denominator = models.BigIntegerField()

    objects = OrgScopedManager()

    class Meta:
        ordering = ["measure_id", "period_start", "dimension", "group"]
        indexes = [
            models.Index(
                fields=["organization", "measure", "period_start", "dimension"],
                name="stratcount_org_measure_period",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["extract", "measure", "period_start", "granularity", "dimension", "group"],
                name="stratified_count_unique_cell",
            ),
            models.CheckConstraint(
                condition=models.Q(numerator__gte=0)
                & models.Q(numerator__lte=models.F("denominator")),
                name="stratified_count_numerator_within_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period_label} {self.dimension}={self.group}"


# A stored count as the job writes it and disclosure control and publication read it (the
# organization and extract aside): one definition, so that rows written and frames read line up.
COUNT_FIELDS = (
    "measure_id",
    "period_start",
    "granularity",
    "period_label",
    "dimension",
    "group",
    "numerator",
    "denominator",
)


# ------------------------------------------------------------------------------ published results
# Computed once per extract by data_hub.results.publishing (after processing, re-stratification
# or a change of a setting that changes results) and read by every page, export, chart and the
# read API (data_hub.api). A suppressed row stores no number at all (a database constraint).


class Publication(models.Model):
    """That an extract's results are published, and with what: method version, value-map
    version, the organization's k and each measure's direction and reference setting."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.OneToOneField(Extract, on_delete=models.CASCADE, related_name="publication")
    method_version = models.CharField(max_length=40)
    value_map_version = models.PositiveIntegerField(null=True, blank=True)
    k = models.PositiveSmallIntegerField()
    # {measure code: [direction, reference rule, named group]} as published.
    measure_settings = models.JSONField(default=dict)
    results_count = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField()

    objects = OrgScopedManager()

    def __str__(self) -> str:
        return f"Publication of extract {self.extract_id}"


class PublishedResult(models.Model):
    """One extract x measure x period x dimension x group as people may see it."""

    revision_tracked = False  # bulk rows: see core/revision.py

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    granularity = models.CharField(max_length=10)
    period_label = models.CharField(max_length=20)
    dimension = models.CharField(max_length=80)
    group = models.CharField(max_length=250)
    # Display order within the table, and whether the period is the measure's latest.
    position = models.PositiveIntegerField(default=0)
    latest_period = models.BooleanField(default=False)
    compared = models.BooleanField()
    suppressed = models.BooleanField()
    is_reference = models.BooleanField(default=False)
    reference_group = models.CharField(max_length=250, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    rate = models.FloatField(null=True, blank=True)
    rate_lower = models.FloatField(null=True, blank=True)
    rate_upper = models.FloatField(null=True, blank=True)
    adverse_rate = models.FloatField(null=True, blank=True)
    reference_rate = models.FloatField(null=True, blank=True)
    difference = models.FloatField(null=True, blank=True)
    difference_lower = models.FloatField(null=True, blank=True)
    difference_upper = models.FloatField(null=True, blank=True)
    ratio = models.FloatField(null=True, blank=True)
    ratio_lower = models.FloatField(null=True, blank=True)
    ratio_upper = models.FloatField(null=True, blank=True)
    significant = models.BooleanField(null=True, blank=True)
    excess_events = models.FloatField(null=True, blank=True)
    # Significant and worse than the reference: the disparities list.
    worse = models.BooleanField(default=False)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["measure_id", "period_start", "dimension", "position"]
        indexes = [
            models.Index(
                fields=["organization", "extract", "measure", "dimension", "period_start"],
                name="published_table",
            ),
            models.Index(
                fields=["organization", "measure", "dimension", "group"],
                name="published_series",
            ),
            models.Index(
                fields=["organization", "extract", "worse", "latest_period"],
                name="published_disparities",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["extract", "measure", "period_start", "granularity", "dimension", "group"],
                name="published_result_unique_cell",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=False)
                | models.Q(
                    numerator__isnull=True,
                    denominator__isnull=True,
                    rate__isnull=True,
                    rate_lower__isnull=True,
                    rate_upper__isnull=True,
                    adverse_rate__isnull=True,
                    difference__isnull=True,
                    difference_lower__isnull=True,
                    difference_upper__isnull=True,
                    ratio__isnull=True,
                    ratio_lower__isnull=True,
                    ratio_upper__isnull=True,
                    significant__isnull=True,
                    excess_events__isnull=True,
                    is_reference=False,
                    worse=False,
                ),
                name="published_result_suppressed_has_no_numbers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.period_label} {self.dimension}={self.group}"


class PublishedSummary(models.Model):
    """One table (extract x measure x period x dimension): its reference and the summary
    disparity measures, or blank with the reason."""

    revision_tracked = False  # bulk rows: see core/revision.py

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    extract = models.ForeignKey(Extract, on_delete=models.CASCADE, related_name="+")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    granularity = models.CharField(max_length=10)
    period_label = models.CharField(max_length=20)
    dimension = models.CharField(max_length=80)
    latest_period = models.BooleanField(default=False)
    reference_rule = models.CharField(max_length=10)
    reference_group = models.CharField(max_length=250, blank=True)
    reference_note = models.CharField(max_length=400, blank=True)
    groups_compared = models.PositiveIntegerField(default=0)
    range_difference = models.FloatField(null=True, blank=True)
    range_ratio = models.FloatField(null=True, blank=True)
    index_of_disparity = models.FloatField(null=True, blank=True)
    between_group_variance = models.FloatField(null=True, blank=True)
    theil_index = models.FloatField(null=True, blank=True)
    mean_log_deviation = models.FloatField(null=True, blank=True)
    blank_reason = models.CharField(max_length=200, blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["measure_id", "period_start", "dimension"]
        indexes = [
            models.Index(
                fields=["organization", "measure", "dimension", "period_start"],
                name="published_summary_series",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["extract", "measure", "period_start", "granularity", "dimension"],
                name="published_summary_unique_table",
            ),
        ]

    def __str__(self) -> str:
        return f"Summary {self.measure_id} {self.period_label} {self.dimension}"
