"""Step 1, Commit: the readiness self-assessment, commitments, champions and listening.

Every row carries its organization and uses `OrgScopedManager` (fail closed outside a scope).
Workflows (versioning, status changes, scoring) live in services.py; models keep fields,
constraints and cheap properties.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from equity_portal.core.models import Membership, Organization, OrgScopedManager, User
from equity_portal.core.steps import Step


class Domain(models.TextChoices):
    """Domains of the readiness self-assessment; a score is given per domain."""

    DATA = "data", "Knowing our gaps"
    LISTENING = "listening", "Listening to patients and staff"
    CHAMPIONS = "champions", "Champions and shared language"
    LEADERSHIP = "leadership", "Leadership commitment"
    COLLECTION = "collection", "Data collection practice"
    COMMUNITY = "community", "Community partnership"


class ActionTarget(models.TextChoices):
    """Where a suggested next action sends people."""

    NONE = "", "No link"
    DATA = "data", "Data hub (step 3)"
    LEARN = "learn", "Learning (step 2)"
    VISION = "vision", "Vision (step 4)"
    IMPROVE = "improve", "Improvement (step 5)"
    COMMITMENTS = "commitments", "Commitments"
    CHAMPIONS = "champions", "Champions"
    LISTENING = "listening", "Listening sessions and surveys"


# The answer scale: 0 (nothing in place) to 4 (in place and routine).
SCALE = [
    (0, "Not started"),
    (1, "Planning"),
    (2, "Partly in place"),
    (3, "Mostly in place"),
    (4, "Fully in place and routine"),
]
SCALE_MAX = 4
# Answers at or below this suggest the question's next action.
SUGGEST_AT_OR_BELOW = 1


class Questionnaire(models.Model):
    """One version of an organization's self-assessment questions. Versions are never edited:
    a change publishes a new version, and assessments keep the version they answered."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    note = models.CharField("what changed", max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "version"], name="commitments_questionnaire_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Self-assessment questionnaire, version {self.version}"


class Question(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    # Stable across versions, so a question can be followed from one version to the next.
    key = models.SlugField(max_length=60)
    domain = models.CharField(max_length=20, choices=Domain.choices)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=400)
    help_text = models.CharField("guidance", max_length=600, blank=True)
    action_text = models.CharField("suggested next action", max_length=300, blank=True)
    action_target = models.CharField(
        "next action links to", max_length=20, choices=ActionTarget.choices, blank=True
    )

    objects = OrgScopedManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"], name="commitments_question_key_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Assessment(models.Model):
    """One run of the self-assessment. An organization has at most one draft at a time;
    completed assessments are kept unchanged so progress shows over time."""

    class Status(models.TextChoices):
        DRAFT = "draft", "In progress"
        COMPLETED = "completed", "Completed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    # Fixed at completion ({domain: percent}), so the history and chart need no recomputation.
    domain_scores = models.JSONField(default=dict, blank=True)
    overall_score = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-completed_at", "-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(status="draft"),
                name="commitments_one_draft_assessment_per_org",
            )
        ]

    def __str__(self) -> str:
        if self.completed_at:
            return f"Self-assessment completed {self.completed_at:%Y-%m-%d}"
        return "Self-assessment in progress"

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class Answer(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(choices=SCALE, null=True, blank=True)
    evidence = models.TextField("evidence notes", blank=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["question__position", "question__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="commitments_answer_unique"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__lte=SCALE_MAX),
                name="commitments_answer_value_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}: {self.value}"


class Commitment(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    OPEN_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    statement = models.CharField(max_length=500)
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    dropped_reason = models.TextField(blank=True)
    step = models.CharField(max_length=20, choices=Step.choices, default=Step.COMMIT)
    # A charter in step 4 may later be linked here; until then a link or reference as text.
    charter_reference = models.CharField("charter (link or reference)", max_length=500, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            # A double-submitted form cannot log the same commitment twice.
            models.UniqueConstraint(
                fields=["organization", "owner", "statement"],
                name="commitments_commitment_unique_statement_per_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(dropped_reason=""),
                name="commitments_dropped_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.statement

    @property
    def is_overdue(self) -> bool:
        return (
            self.status in self.OPEN_STATUSES
            and self.due_date is not None
            and self.due_date < timezone.localdate()
        )

    @property
    def charter_is_link(self) -> bool:
        ref = self.charter_reference
        return ref.startswith(("/", "https://", "http://"))


class CommitmentStatusChange(models.Model):
    """The history of a commitment's status, one row per change (the first records creation)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Commitment.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Commitment.Status.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class Champion(models.Model):
    """A member named as an equity champion."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    department = models.CharField(max_length=200, blank=True)
    focus_area = models.CharField("area of focus", max_length=300)
    named_on = models.DateField(default=timezone.localdate)
    named_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OrgScopedManager()

    class Meta:
        ordering = ["department", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership"], name="commitments_one_champion_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership.user.display_name} ({self.focus_area})"


class ListeningSession(models.Model):
    """A listening session or survey of patients or staff, and what was heard and done."""

    class Audience(models.TextChoices):
        PATIENTS = "patients", "Patients"
        STAFF = "staff", "Staff"
        BOTH = "both", "Patients and staff"

    class Method(models.TextChoices):
        SESSION = "session", "Listening session"
        FOCUS_GROUP = "focus_group", "Focus group"
        SURVEY = "survey", "Survey"
        INTERVIEWS = "interviews", "Interviews"
        TOWN_HALL = "town_hall", "Town hall"
        OTHER = "other", "Other"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    held_on = models.DateField("date")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    method = models.CharField(max_length=20, choices=Method.choices)
    participants = models.PositiveIntegerField("number of participants", null=True, blank=True)
    actions_taken = models.TextField(blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title", "held_on"],
                name="commitments_listening_session_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%Y-%m-%d})"


class ListeningTheme(models.Model):
    """A theme heard in a session, linked to the commitments that respond to it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(ListeningSession, on_delete=models.CASCADE, related_name="themes")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="themes")

    objects = OrgScopedManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "text"], name="commitments_theme_unique_per_session"
            )
        ]

    def __str__(self) -> str:
        return self.text
