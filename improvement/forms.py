from django import forms

from equity_portal.core.models import Membership, Organization

from .models import Campaign, PDSACycle

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


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
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

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organization)


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
