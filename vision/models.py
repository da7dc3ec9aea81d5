"""Step 4, Vision: a shared vision statement, a few priority inequities chosen from the data hub's
disparities, teams (core.Team) chartered with IHI project charters, and equity-focused SMART goals
whose baselines are snapshots taken from the data hub's read API.

Every row carries its organization and uses `OrgScopedManager` (fail closed outside a scope).
Review workflows (vision statements and charters) share `ReviewStatus`; the transitions live in
services.py and each one is audited.
"""

import uuid

from django.db import models
from django.db.models import Q

from equity_portal.core.models import Membership, Organization, OrgScopedManager, Team, User

__all__ = [
    "Aim",
    "Charter",
    "CharterGoal",
    "CharterMeasure",
    "CharterMilestone",
    "CharterPartner",
    "CommunityPartner",
    "PartnerKind",
    "PriorityInequity",
    "PriorityStatus",
    "ReviewStatus",
    "Team",
    "VisionStatement",
]


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"


EDITABLE_STATUSES = (ReviewStatus.DRAFT, ReviewStatus.RETURNED)


class VisionStatement(models.Model):
    """One version of the organization's vision statement. A new version is a new row; the
    approved version with the highest number is the organization's vision."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    text = models.TextField()
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # The reviewer's comment: required when returned, optional on approval.
    comment = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version"], name="vision_statement_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"Vision statement v{self.version} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class PriorityStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ADOPTED = "adopted", "Adopted"
    RETIRED = "retired", "Retired"


class PriorityInequity(models.Model):
    """A disparity from the data hub chosen as a priority. Its key (measure, dimension, group) is
    the data hub's `DisparityKey`; `snapshot` holds the disparity's numbers and provenance at the
    time it was chosen (a `Disparity` as a JSON dict), so later data never rewrites why it was
    chosen. The reference group is the one the gap was measured against then."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=60)  # measure code
    dimension = models.CharField(max_length=80)  # dimension code
    group = models.CharField(max_length=250)
    reference_group = models.CharField(max_length=250, blank=True)
    # Labels at the time of choosing, for pages and exports that do not call the data hub.
    measure_name = models.CharField(max_length=200, blank=True)
    dimension_label = models.CharField(max_length=120, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    rationale = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=PriorityStatus.choices, default=PriorityStatus.PROPOSED
    )
    chosen_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    submission_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-chosen_at", "-id"]
        constraints = [
            # A disparity is a live priority at most once; a retired one may be chosen again.
            models.UniqueConstraint(
                fields=["organization", "measure", "dimension", "group"],
                condition=~Q(status="retired"),
                name="vision_priority_one_live_per_key",
            ),
            models.UniqueConstraint(
                fields=["organization", "submission_id"],
                condition=Q(submission_id__isnull=False),
                name="vision_priority_one_row_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_name or self.measure}: {self.group} ({self.dimension_label})"

    @property
    def key(self) -> str:
        """Same text as str(DisparityKey): "measure|dimension|group"."""
        return f"{self.measure}|{self.dimension}|{self.group}"


class PartnerKind(models.TextChoices):
    COMMUNITY_ORGANIZATION = "cbo", "Community-based organization"
    HEALTH_DEPARTMENT = "health_department", "Health department"
    PAYER = "payer", "Payer"
    FAITH = "faith", "Faith group"
    SCHOOL = "school", "School"
    OTHER = "other", "Other"


class CommunityPartner(models.Model):
    """An organization the health system works with, and who to contact there."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=PartnerKind.choices)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    description = models.TextField(blank=True)
    # Community data in the data hub (a CHNA, the health department's figures) that gives context:
    # a link to its page, kept as a path of this portal.
    community_data_url = models.CharField(max_length=300, blank=True)
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="vision_partner_unique_name"
            ),
            models.UniqueConstraint(
                fields=["organization", "submission_id"],
                condition=Q(submission_id__isnull=False),
                name="vision_partner_one_row_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Charter(models.Model):
    """An IHI project charter with equity fields. Approved charters are read-only: a change is a
    new revision (a new row, `revision` + 1, `parent` = the approved one) that goes through
    approval again; when it is approved the parent gets `superseded_at`."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    problem_statement = models.TextField(blank=True)
    background = models.TextField(blank=True)
    global_aim = models.TextField(blank=True)
    scope_in = models.TextField("in scope", blank=True)
    scope_out = models.TextField("out of scope", blank=True)
    population_of_focus = models.TextField(blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="charters")
    sponsor = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    improvement_advisor = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    patient_family_voice = models.TextField("patient and family voice", blank=True)
    change_ideas = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    partners = models.ManyToManyField(
        CommunityPartner, through="CharterPartner", blank=True, related_name="charters"
    )

    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    review_comment = models.TextField(blank=True)
    revision = models.PositiveIntegerField(default=1)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    # Shared by every revision of one charter.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submission_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["title", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["lineage", "revision"], name="vision_charter_unique_revision"
            ),
            models.UniqueConstraint(
                fields=["organization", "submission_id"],
                condition=Q(submission_id__isnull=False),
                name="vision_charter_one_row_per_submission",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (revision {self.revision})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES and self.superseded_at is None


class CharterPartner(models.Model):
    """A community partner's role in one charter."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="partner_roles")
    partner = models.ForeignKey(
        CommunityPartner, on_delete=models.PROTECT, related_name="charter_roles"
    )
    role = models.TextField(blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["charter", "partner"], name="vision_partner_once")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} in charter {self.charter_id}"


class CharterMeasure(models.Model):
    """A process or balancing measure of a charter with its operational definition (the outcome
    measures are the charter's goals)."""

    class Kind(models.TextChoices):
        PROCESS = "process", "Process"
        BALANCING = "balancing", "Balancing"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    numerator = models.TextField(blank=True)
    denominator = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    frequency = models.CharField(max_length=100, blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class CharterMilestone(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()

    objects = OrgScopedManager()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.title} by {self.due_date}"


class Aim(models.TextChoices):
    RATE = "rate", "Reach a rate"
    DIFFERENCE = "difference", "Close the gap to at most a difference"
    RATIO = "ratio", "Close the gap to at most a ratio"


class CharterGoal(models.Model):
    """An equity-focused SMART goal of a charter.

    Specific: a measure and a group (`measure`, `dimension`, `group` as the data hub's
    DisparityKey), linked to a priority inequity (Relevant). Measurable: `baseline` is the data
    hub's BaselineSnapshot.as_dict(), and the `baseline_*` fields copy the numbers exports need
    (None when suppressed). The reference group is fixed at baseline. Aim: reach `target_value`
    as a rate, or close the gap to at most `target_value` as a difference or a ratio (rates and
    differences as proportions: 0.05 is 5 percentage points). Time-bound: `target_date` and the
    measurement `granularity`.

    A charter's new revision copies its goals; the copies share `lineage`, so links to a goal
    (a campaign in Improve) can follow it to the current revision.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="goals")
    priority = models.ForeignKey(
        PriorityInequity, on_delete=models.PROTECT, null=True, blank=True, related_name="goals"
    )
    title = models.CharField(max_length=300)
    measure = models.CharField(max_length=60)
    dimension = models.CharField(max_length=80)
    group = models.CharField(max_length=250)
    reference_group = models.CharField(max_length=250)
    measure_name = models.CharField(max_length=200, blank=True)
    dimension_label = models.CharField(max_length=120, blank=True)
    direction = models.CharField(max_length=10, blank=True)  # "higher" | "lower" is better
    aim = models.CharField(max_length=20, choices=Aim.choices)
    target_value = models.FloatField()
    target_date = models.DateField()
    granularity = models.CharField(max_length=10)  # month | quarter | year
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    baseline = models.JSONField(default=dict, blank=True)
    baseline_taken_at = models.DateTimeField(null=True, blank=True)
    baseline_period_start = models.DateField(null=True, blank=True)
    baseline_period_label = models.CharField(max_length=20, blank=True)
    baseline_extract_id = models.BigIntegerField(null=True, blank=True)
    baseline_suppressed = models.BooleanField(default=False)
    baseline_numerator = models.BigIntegerField(null=True, blank=True)
    baseline_denominator = models.BigIntegerField(null=True, blank=True)
    baseline_rate = models.FloatField(null=True, blank=True)
    baseline_rate_lower = models.FloatField(null=True, blank=True)
    baseline_rate_upper = models.FloatField(null=True, blank=True)
    baseline_reference_rate = models.FloatField(null=True, blank=True)
    baseline_difference = models.FloatField(null=True, blank=True)
    baseline_difference_lower = models.FloatField(null=True, blank=True)
    baseline_difference_upper = models.FloatField(null=True, blank=True)
    baseline_ratio = models.FloatField(null=True, blank=True)
    baseline_ratio_lower = models.FloatField(null=True, blank=True)
    baseline_ratio_upper = models.FloatField(null=True, blank=True)
    # The best compared group's rate in the baseline period (the SMART "Achievable" check).
    baseline_best_rate = models.FloatField(null=True, blank=True)
    baseline_best_group = models.CharField(max_length=250, blank=True)

    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["charter_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(aim__in=["rate", "difference", "ratio"]), name="vision_goal_aim_known"
            ),
            models.UniqueConstraint(
                fields=["charter", "lineage"], name="vision_goal_once_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        return f"{self.measure}|{self.dimension}|{self.group}"

    @property
    def has_baseline(self) -> bool:
        return bool(self.baseline)
