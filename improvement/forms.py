from datetime import date

from django import forms

from equity_portal.core.models import Membership, Organization
from vision.models import CharterGoal

from .models import Campaign, GoalResponse, PDSACycle

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        user = obj.user
        return f"{user.full_name} ({user.email})" if user.full_name else user.email


def _members(organization: Organization):
    return (
        Membership.objects.filter(organization=organization, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


class CampaignFilterForm(forms.Form):
    q = forms.CharField(label="Name contains", required=False, max_length=100)
    status = forms.ChoiceField(choices=[("", "Any"), *Campaign.Status.choices], required=False)
    owner = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Anyone"
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organization)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"].strip() or None,
            "status": data["status"] or None,
            "owner_id": data["owner"].pk if data["owner"] else None,
        }


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CharterGoal) -> str:
        return f"{obj.title} (charter: {obj.charter.title})"


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    goals = GoalChoiceField(
        label="Charter goals",
        queryset=CharterGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Goals of approved charters the campaign works on.",
    )
    aim = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the campaign will achieve, for whom and by when.",
    )
    owner = MemberChoiceField(queryset=Membership.objects.none())
    status = forms.ChoiceField(choices=Campaign.Status.choices)
    start_date = forms.DateField(widget=DATE_WIDGET)
    end_date = forms.DateField(widget=DATE_WIDGET, required=False)
    change_ideas = forms.CharField(
        label="Interventions (change ideas)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One change idea per line.",
    )
    lessons = forms.CharField(
        label="Lessons learned",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the one-page campaign summary.",
    )

    def __init__(self, *args, organization: Organization, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organization)
        self.fields["goals"].queryset = goals


class PDSACycleForm(forms.ModelForm):
    """The IHI PDSA worksheet. The change idea field suggests the campaign's ideas (a datalist,
    so it works without JavaScript and still accepts a new idea)."""

    class Meta:
        model = PDSACycle
        fields = [
            "change_idea",
            "question",
            "prediction",
            "plan_who",
            "plan_when",
            "plan_where",
            "plan_data",
            "start_date",
            "end_date",
            "what_happened",
            "problems",
            "study",
            "decision",
            "next_test",
        ]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "prediction": forms.Textarea(attrs={"rows": 2}),
            "plan_data": forms.Textarea(attrs={"rows": 2}),
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
            "study": forms.Textarea(attrs={"rows": 3}),
            "next_test": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"start_date": "Start date (shown on the goal charts)"}

    SECTIONS = [
        ("The test", ["change_idea", "question"]),
        ("Plan", ["prediction", "plan_who", "plan_when", "plan_where", "plan_data"]),
        ("Do", ["start_date", "end_date", "what_happened", "problems"]),
        ("Study", ["study"]),
        ("Act", ["decision", "next_test"]),
    ]

    def __init__(self, *args, ideas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ideas = list(ideas)
        self.fields["change_idea"].widget.attrs["list"] = "change-ideas"
        self.fields["decision"].required = False
        self.fields["decision"].help_text = "Leave empty until the cycle has been studied."

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class RebaselineForm(forms.Form):
    period_start = forms.TypedChoiceField(
        label="First period of the new phase", coerce=date.fromisoformat, choices=()
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What changed in the process (for example a change adopted for good).",
    )

    def __init__(self, *args, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [(p.isoformat(), label) for p, label in periods]


class GoalResponseForm(forms.Form):
    reason = forms.ChoiceField(choices=GoalResponse.Reason.choices, widget=forms.HiddenInput)
    cycle = forms.ModelChoiceField(
        label="A new PDSA cycle",
        queryset=PDSACycle.objects.none(),
        required=False,
        empty_label="None: record an action instead",
    )
    action = forms.CharField(
        label="Or an action", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action_date = forms.DateField(label="Action date", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, cycles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        self.fields["cycle"].label_from_instance = lambda c: (
            f"{c.campaign.name}, PDSA {c.number}: {c.change_idea}"
        )

    def clean(self):
        data = super().clean()
        if not data.get("cycle") and not (
            data.get("action", "").strip() and data.get("action_date")
        ):
            raise forms.ValidationError(
                "Choose a new PDSA cycle, or describe an action and give its date."
            )
        return data
