"""Step 2, Learn: a library of resources, a glossary of shared language, learning plans assigned to
members or teams (with per-person completion and private reflections) and learning sessions.

Every row carries its organization and uses `OrgScopedManager` (fail closed outside a scope).
Reflections are private to their author and the organization's administrators: selectors expose
them only through `visible_reflection` (see selectors.py), never as the raw field.
"""

from django.db import models
from django.db.models import Q

from equity_portal.core.models import Membership, Organization, OrgScopedManager, Team, User
from equity_portal.core.steps import Step


class ResourceKind(models.TextChoices):
    TOOLKIT = "toolkit", "Toolkit"
    ARTICLE = "article", "Article"
    PODCAST = "podcast", "Podcast"
    VIDEO = "video", "Video"
    WEBINAR = "webinar", "Webinar"
    ASSESSMENT = "assessment", "Self-assessment"


def _submission_constraint(model: str) -> models.UniqueConstraint:
    # A create form carries a one-time submission id: posting it twice returns the first row.
    return models.UniqueConstraint(
        fields=["organization", "submission_id"],
        condition=Q(submission_id__isnull=False),
        name=f"learning_{model}_one_row_per_submission",
    )


class Resource(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    url = models.URLField("link", max_length=500, blank=True)
    summary = models.TextField(blank=True)
    # Normalized by the service: lower case, comma separated, no spaces around commas.
    tags = models.CharField(max_length=300, blank=True)
    step = models.CharField(max_length=20, choices=Step.choices, blank=True)
    seed_key = models.CharField(max_length=60, blank=True, editable=False)
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title"], name="learning_resource_unique_title"
            ),
            models.UniqueConstraint(
                fields=["organization", "seed_key"],
                condition=~Q(seed_key=""),
                name="learning_resource_unique_seed_key",
            ),
            _submission_constraint("resource"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class GlossaryTerm(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140)
    # Other names the glossary link tag resolves to this term (comma separated).
    aliases = models.CharField(max_length=300, blank=True)
    definition = models.TextField()
    seed_key = models.CharField(max_length=60, blank=True, editable=False)
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="learning_glossary_unique_slug"
            ),
            models.UniqueConstraint(
                fields=["organization", "seed_key"],
                condition=~Q(seed_key=""),
                name="learning_glossary_unique_seed_key",
            ),
            _submission_constraint("glossaryterm"),
        ]

    def __str__(self) -> str:
        return self.term

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.split(",") if a.strip()]


class LearningSeed(models.Model):
    """Marks an organization's starter content as seeded, so deleted starter rows stay deleted."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveSmallIntegerField(default=0)
    seeded_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    def __str__(self) -> str:
        return f"Learning seed v{self.version} for {self.organization_id}"


class LearningPlan(models.Model):
    """Assigned to one member or to one team (exactly one of the two)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    assignee = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_plans",
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="plans"
    )
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(assignee__isnull=False) & Q(team__isnull=True))
                | (Q(assignee__isnull=True) & Q(team__isnull=False)),
                name="learning_plan_one_assignee_or_team",
            ),
            _submission_constraint("plan"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assigned_to_label(self) -> str:
        if self.team_id:
            return f"Team: {self.team.name}"
        return self.assignee.user.display_name


class PlanItem(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(LearningPlan, on_delete=models.CASCADE, related_name="items")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="plan_items")
    due_date = models.DateField()

    objects = OrgScopedManager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "resource"], name="learning_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource} by {self.due_date}"


class ItemCompletion(models.Model):
    """One person's completion of one plan item, with an optional private reflection."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="completions")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="learning_completions"
    )
    reflection = models.TextField(blank=True)
    completed_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-completed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "membership"], name="learning_completion_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} completed {self.item_id}"


class LearningSession(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    topic = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    resources = models.ManyToManyField(Resource, blank=True, related_name="sessions")
    attendees = models.ManyToManyField(
        Membership, blank=True, related_name="learning_sessions_attended"
    )
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [_submission_constraint("session")]

    def __str__(self) -> str:
        return f"{self.date}: {self.topic}"


class SessionReflection(models.Model):
    """One reflection per person per session; private to its author and administrators."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(
        LearningSession, on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="learning_session_reflections"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "author"], name="learning_one_reflection_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.author_id} on session {self.session_id}"
