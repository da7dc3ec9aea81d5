"""Step 5, Improve: QI campaigns on charter goals, PDSA cycles (the IHI worksheet), recorded
rebaselines and the responses to goals not met or not sustained.

Every row carries its organization and uses `OrgScopedManager` (fail closed outside a scope).
Workflows live in services.py; the charts and verdicts are computed per request from the data
hub's read API by selectors.py (nothing statistical is stored here).
"""

from django.db import models
from django.db.models import Q

from equity_portal.core.models import Membership, Organization, OrgScopedManager, User
from vision.models import CharterGoal


class Campaign(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        SUSTAINING = "sustaining", "Sustaining"
        CLOSED = "closed", "Closed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    aim = models.TextField(
        blank=True, help_text="What the campaign will achieve, for whom and by when."
    )
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    # Interventions: one change idea per line (from the charter or new ones).
    change_ideas = models.TextField(
        "interventions (change ideas)",
        blank=True,
        help_text="One change idea per line; ideas from the charters of its goals are offered.",
    )
    lessons = models.TextField(
        "lessons learned", blank=True, help_text="Shown on the one-page summary."
    )
    # The charter goals the campaign works on (PROTECT: goals of old charter revisions are kept).
    goals = models.ManyToManyField(CharterGoal, blank=True, related_name="campaigns")
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="improvement_campaign_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="improvement_campaign_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def change_idea_list(self) -> list[str]:
        return [line.strip() for line in self.change_ideas.splitlines() if line.strip()]


class PDSACycle(models.Model):
    """One Plan-Do-Study-Act cycle (the IHI worksheet), numbered within its campaign; each cycle
    follows the previous one, whose Act says what this one tests."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", "Adopt"
        ADAPT = "adapt", "Adapt"
        ABANDON = "abandon", "Abandon"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveIntegerField()
    follows = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycle"
    )
    change_idea = models.CharField("change idea tested", max_length=300)
    question = models.CharField("question this cycle answers", max_length=500)
    # Plan
    prediction = models.TextField(blank=True)
    plan_who = models.CharField("who", max_length=300, blank=True)
    plan_when = models.CharField("when", max_length=300, blank=True)
    plan_where = models.CharField("where", max_length=300, blank=True)
    plan_data = models.TextField("data to collect", blank=True)
    # Do
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    what_happened = models.TextField(blank=True)
    problems = models.TextField("problems and unexpected observations", blank=True)
    # Study
    study = models.TextField("result against the prediction", blank=True)
    # Act
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    next_test = models.TextField("what the next cycle tests", blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["campaign_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "number"], name="improvement_cycle_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="improvement_cycle_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"PDSA {self.number}: {self.change_idea}"

    @property
    def stage(self) -> str:
        """Where the cycle is: the last worksheet part filled in."""
        if self.decision:
            return "Act"
        if self.study.strip():
            return "Study"
        if self.what_happened.strip() or self.end_date:
            return "Do"
        return "Plan"


class Rebaseline(models.Model):
    """A new phase of a goal's charts from `period_start` on, recorded by a person with a reason
    (never automatic): each phase gets its own centre line and limits."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(CharterGoal, on_delete=models.CASCADE, related_name="rebaselines")
    period_start = models.DateField("first period of the new phase")
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["goal_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "period_start"], name="improvement_rebaseline_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"Rebaseline from {self.period_start:%Y-%m-%d}"


class GoalResponse(models.Model):
    """The goal owner's response to a goal not met or not sustained: a new PDSA cycle or a
    recorded action with a date. It answers the flag raised on the data up to `period_start`
    (the latest period when it was recorded); newer data that still falls short asks again."""

    class Reason(models.TextChoices):
        NOT_MET = "not_met", "Not met by the target date"
        NOT_SUSTAINED = "not_sustained", "Not sustained"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(CharterGoal, on_delete=models.CASCADE, related_name="responses")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    period_start = models.DateField("latest period when the response was recorded")
    cycle = models.ForeignKey(
        PDSACycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goal_responses",
        verbose_name="new PDSA cycle",
    )
    action = models.TextField("action", blank=True)
    action_date = models.DateField("action date", null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle__isnull=False) | (~Q(action="") & Q(action_date__isnull=False)),
                name="improvement_response_cycle_or_dated_action",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: response"
