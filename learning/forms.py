"""Forms of the Learn step. Edit forms only parse input; services validate and save. Create forms
carry a one-time submission id so that a form posted twice creates one row."""

import uuid

from django import forms

from equity_portal.core.models import Membership

from . import selectors
from .models import ResourceKind, Step

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.display_name


class MemberMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.user.display_name


class SubmissionMixin(forms.Form):
    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())


class ResourceForm(SubmissionMixin):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ResourceKind.choices)
    url = forms.URLField(label="Link", max_length=500, required=False, assume_scheme="https")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="In your own words: what it covers and who should read it.",
    )
    tags = forms.CharField(max_length=300, required=False, help_text="Separate tags with commas.")
    step = forms.ChoiceField(choices=[("", "Any step")] + Step.choices, required=False)


class GlossaryTermForm(SubmissionMixin):
    term = forms.CharField(max_length=120)
    aliases = forms.CharField(
        max_length=300,
        required=False,
        label="Other names",
        help_text="Comma separated; links to any of these names lead to this entry.",
    )
    definition = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))


class TeamForm(SubmissionMixin):
    name = forms.CharField(max_length=120)
    members = MemberMultipleChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = selectors.member_choices(organization=organization)


class LearningPlanForm(SubmissionMixin):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    assignee = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label="Assign to a member",
        empty_label="(not a member)",
    )
    team = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="…or to a team",
        empty_label="(not a team)",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.member_choices(organization=organization)
        self.fields["team"].queryset = selectors.team_list(organization=organization)

    def clean(self):
        data = super().clean()
        if bool(data.get("assignee")) == bool(data.get("team")):
            raise forms.ValidationError("Choose either one member or one team.")
        return data


class PlanItemForm(forms.Form):
    resource = forms.ModelChoiceField(queryset=None, label="Library item")
    due_date = forms.DateField(widget=DATE_INPUT)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = selectors.resource_list(organization=organization)


class CompletionForm(forms.Form):
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Reflection (optional)",
        help_text="Only you and the organization's administrators can read it.",
    )


class LearningSessionForm(SubmissionMixin):
    date = forms.DateField(widget=DATE_INPUT)
    topic = forms.CharField(max_length=200)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    resources = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    attendees = MemberMultipleChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Attendance",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = selectors.resource_list(organization=organization)
        self.fields["attendees"].queryset = selectors.member_choices(organization=organization)


class ReflectionForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your reflection",
        help_text="Only you and the organization's administrators can read it.",
    )


# ---------------------------------------------------------------- filters (GET)


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind")] + ResourceKind.choices, required=False)
    step = forms.ChoiceField(choices=[("", "Any step")] + Step.choices, required=False)
    tag = forms.ChoiceField(required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        tags = selectors.resource_tag_choices(organization=organization)
        self.fields["tag"].choices = [("", "Any tag")] + [(t, t) for t in tags]


class SearchFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)


class PlanFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    assignee = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Any member"
    )
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any team")
    mine = forms.BooleanField(label="Only plans assigned to me", required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.member_choices(organization=organization)
        self.fields["team"].queryset = selectors.team_list(organization=organization)


class SessionFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    date_from = forms.DateField(label="From", required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label="To", required=False, widget=DATE_INPUT)
    attendee = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = selectors.member_choices(organization=organization)


class ProgressFilterForm(forms.Form):
    q = forms.CharField(label="Search people", required=False)
    team = forms.ModelChoiceField(queryset=None, required=False, empty_label="Everyone")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.team_list(organization=organization)
