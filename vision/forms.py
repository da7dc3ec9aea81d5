"""Forms of the Vision step. Forms parse input; services validate and save. Create forms carry a
one-time submission id so a form posted twice creates one row. Rates and differences are typed
in percent (points) and stored as proportions."""

import uuid

from django import forms

from equity_portal.core.models import Membership, Team

from . import selectors
from .models import Aim, CharterMeasure, PartnerKind, PriorityStatus, ReviewStatus

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.user.display_name} ({obj.get_role_display()})"


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.display_name


class SubmissionMixin(forms.Form):
    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)


# ---------------------------------------------------------------- vision statement


class VisionStatementForm(forms.Form):
    text = forms.CharField(
        label="Vision statement",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Where the organization wants to be: who it serves, what equity means here, "
        "what will be different for patients and staff.",
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        widget=TEXTAREA,
        required=False,
        help_text="Required when returning: say what needs to change.",
    )


# ---------------------------------------------------------------- priorities


class PriorityForm(SubmissionMixin):
    measure = forms.CharField(widget=forms.HiddenInput)
    dimension = forms.CharField(widget=forms.HiddenInput)
    group = forms.CharField(widget=forms.HiddenInput)
    reference = forms.CharField(widget=forms.HiddenInput, required=False)
    rationale = forms.CharField(
        widget=TEXTAREA,
        required=False,
        help_text="Why this one: size of the gap, how actionable it is, what the community said.",
    )


class PriorityRationaleForm(forms.Form):
    rationale = forms.CharField(widget=TEXTAREA, required=False)


class PriorityFilterForm(SearchForm):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *PriorityStatus.choices], required=False
    )


# ---------------------------------------------------------------- teams


class TeamForm(SubmissionMixin):
    name = forms.CharField(max_length=120)
    members = MemberMultipleChoiceField(
        queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    executive_sponsor = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="(none yet)",
        help_text="A leader who sponsors the team's charters.",
    )
    lead = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="(none yet)"
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        members = selectors.member_choices(organization=organization)
        self.fields["members"].queryset = members
        self.fields["lead"].queryset = members
        self.fields["executive_sponsor"].queryset = members.filter(
            pk__in=[m.pk for m in selectors.sponsor_choices(organization=organization)]
        )


# ---------------------------------------------------------------- charters


class CharterForm(SubmissionMixin):
    title = forms.CharField(max_length=200)
    team = forms.ModelChoiceField(queryset=Team.objects.none())
    problem_statement = forms.CharField(
        widget=TEXTAREA,
        required=False,
        help_text="What is wrong, for whom, and how we know (the goals' baselines are shown "
        "beside it).",
    )
    background = forms.CharField(widget=TEXTAREA, required=False)
    global_aim = forms.CharField(
        widget=TEXTAREA, required=False, help_text="The broad aim, in a sentence."
    )
    scope_in = forms.CharField(label="In scope", widget=TEXTAREA, required=False)
    scope_out = forms.CharField(label="Out of scope", widget=TEXTAREA, required=False)
    population_of_focus = forms.CharField(widget=TEXTAREA, required=False)
    sponsor = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="(the team's executive sponsor)",
    )
    lead = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="(the team's lead)"
    )
    improvement_advisor = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="(none)"
    )
    patient_family_voice = forms.CharField(
        label="Patient and family voice",
        widget=TEXTAREA,
        required=False,
        help_text="How patients and families from the population of focus take part.",
    )
    change_ideas = forms.CharField(widget=TEXTAREA, required=False)
    risks = forms.CharField(widget=TEXTAREA, required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        members = selectors.member_choices(organization=organization)
        self.fields["team"].queryset = Team.objects.filter(organization=organization).order_by(
            "name"
        )
        self.fields["lead"].queryset = members
        self.fields["improvement_advisor"].queryset = members
        self.fields["sponsor"].queryset = members.filter(
            pk__in=[m.pk for m in selectors.sponsor_choices(organization=organization)]
        )


class CharterFilterForm(SearchForm):
    status = forms.ChoiceField(choices=[("", "Any status"), *ReviewStatus.choices], required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="Any")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.filter(organization=organization).order_by(
            "name"
        )


class CharterMeasureForm(forms.Form):
    kind = forms.ChoiceField(choices=CharterMeasure.Kind.choices)
    name = forms.CharField(max_length=200)
    numerator = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    denominator = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    source = forms.CharField(max_length=200, required=False)
    frequency = forms.CharField(max_length=100, required=False)


class CharterMilestoneForm(forms.Form):
    title = forms.CharField(label="Milestone", max_length=200)
    due_date = forms.DateField(label="Date", widget=DATE_INPUT)


class CharterPartnerForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=None)
    role = forms.CharField(
        label="Their role in this charter", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = selectors.partner_list(organization=organization)


# ---------------------------------------------------------------- goals


GRANULARITY_CHOICES = [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")]


class GoalForm(forms.Form):
    priority = forms.ModelChoiceField(
        queryset=None,
        label="Priority inequity (Specific, Relevant)",
        help_text="The measure, the group and the reference group come from the priority.",
    )
    title = forms.CharField(
        label="Goal",
        max_length=300,
        required=False,
        help_text="In a sentence, e.g. “Close the screening gap for Black patients to 2 points "
        "by December 2027”.",
    )
    aim = forms.ChoiceField(choices=Aim.choices)
    target = forms.FloatField(
        label="Target",
        help_text="A rate in percent (e.g. 75), a difference in percentage points (e.g. 2), or a "
        "ratio (e.g. 1.1).",
    )
    target_date = forms.DateField(widget=DATE_INPUT, label="Target date (Time-bound)")
    granularity = forms.ChoiceField(
        choices=GRANULARITY_CHOICES, label="Measurement period", initial="quarter"
    )
    owner = MemberChoiceField(queryset=Membership.objects.none(), required=False)

    def __init__(self, *args, organization, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].queryset = selectors.priority_choices(organization=organization)
        self.fields["owner"].queryset = selectors.member_choices(organization=organization)
        if editing:  # the measure, group and reference are fixed at baseline
            del self.fields["priority"]

    @property
    def target_value(self) -> float:
        """The target as stored: proportions for rates and differences."""
        target = self.cleaned_data["target"]
        return target if self.cleaned_data["aim"] == Aim.RATIO else target / 100

    @staticmethod
    def target_for_display(aim: str, value: float) -> float:
        return value if aim == Aim.RATIO else round(value * 100, 6)


# ---------------------------------------------------------------- community partners


class PartnerForm(SubmissionMixin):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=PartnerKind.choices)
    contact_name = forms.CharField(max_length=200, required=False)
    contact_email = forms.EmailField(required=False)
    contact_phone = forms.CharField(max_length=40, required=False)
    description = forms.CharField(widget=TEXTAREA, required=False)
    community_data_url = forms.CharField(
        label="Community data in the data hub",
        max_length=300,
        required=False,
        help_text="Optional: the address of a community data page of this portal that gives "
        "context (e.g. /o/<organization>/data/community/…).",
    )

    def clean_community_data_url(self):
        value = self.cleaned_data["community_data_url"].strip()
        if value and (not value.startswith("/") or value.startswith("//")):
            raise forms.ValidationError("Give an address of this portal, starting with “/”.")
        return value


class PartnerFilterForm(SearchForm):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *PartnerKind.choices], required=False)
