from django import forms
from django.core.exceptions import ValidationError

from equity_portal.core.models import Membership, Organization

from . import selectors
from .models import (
    SCALE,
    ActionTarget,
    Commitment,
    Domain,
    ListeningSession,
    Step,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        user = obj.user
        label = f"{user.full_name} ({user.email})" if user.full_name else user.email
        return label if obj.is_active else f"{label}, deactivated"


def _blank(choices, label: str) -> list:
    return [("", label), *choices]


# --- Self-assessment -----------------------------------------------------------------------


class AssessmentForm(forms.Form):
    """One scale answer and an evidence note per question of the assessment's version."""

    def __init__(self, *args, pairs, **kwargs):
        super().__init__(*args, **kwargs)
        self.pairs = pairs
        for question, answer in pairs:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=SCALE,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=question.help_text,
                initial=answer.value if answer else None,
            )
            self.fields[f"e{question.pk}"] = forms.CharField(
                label="Evidence notes",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What shows this: reports, dates, documents, who to ask.",
                initial=answer.evidence if answer else "",
            )

    def rows(self):
        """(question, scale field, evidence field) for the template."""
        for question, _answer in self.pairs:
            yield question, self[f"q{question.pk}"], self[f"e{question.pk}"]

    def answers(self) -> dict[int, tuple[int | None, str]]:
        return {
            question.pk: (
                self.cleaned_data.get(f"q{question.pk}"),
                self.cleaned_data.get(f"e{question.pk}", ""),
            )
            for question, _answer in self.pairs
        }

    def mark_missing(self) -> None:
        for question, _answer in self.pairs:
            if self.cleaned_data.get(f"q{question.pk}") is None:
                self.add_error(f"q{question.pk}", "Choose an answer to complete the assessment.")


class QuestionForm(forms.Form):
    key = forms.CharField(required=False, widget=forms.HiddenInput)
    domain = forms.ChoiceField(choices=_blank(Domain.choices, "Choose a domain"))
    text = forms.CharField(label="Question", max_length=400, widget=forms.Textarea({"rows": 2}))
    help_text = forms.CharField(label="Guidance", max_length=600, required=False)
    action_text = forms.CharField(
        label="Suggested next action when the answer is low", max_length=300, required=False
    )
    action_target = forms.ChoiceField(
        label="Next action links to", choices=ActionTarget.choices, required=False
    )


class BaseQuestionFormSet(forms.BaseFormSet):
    def questions(self) -> list[dict]:
        """Kept questions in the chosen order (deleted and untouched blank rows left out)."""
        return [
            {k: v for k, v in form.cleaned_data.items() if k not in ("ORDER", "DELETE")}
            for form in self.ordered_forms
        ]


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=BaseQuestionFormSet, extra=2, can_delete=True, can_order=True
)


class PublishForm(forms.Form):
    note = forms.CharField(
        label="What changed in this version",
        max_length=300,
        required=False,
        help_text="Shown in the list of versions.",
    )


# --- Commitments ---------------------------------------------------------------------------


class CommitmentForm(forms.Form):
    statement = forms.CharField(
        label="We commit to", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = MemberChoiceField(queryset=Membership.objects.none(), empty_label="Choose an owner")
    due_date = forms.DateField(label="Due date", required=False, widget=DATE_WIDGET)
    step = forms.ChoiceField(
        label="Step", choices=Step.choices, help_text="Where the work of this commitment happens."
    )
    charter_reference = forms.CharField(
        label="Charter (link or reference)",
        max_length=500,
        required=False,
        help_text="Optional: a project charter this commitment belongs to.",
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = selectors.member_choices(organization=organization)


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(label="New status", choices=Commitment.Status.choices)
    reason = forms.CharField(
        label="Reason or note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when a commitment is dropped.",
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == Commitment.Status.DROPPED and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the commitment is dropped.")
        return data


class CommitmentFilterForm(forms.Form):
    owner = MemberChoiceField(
        queryset=Membership.objects.none(), required=False, empty_label="Anyone"
    )
    status = forms.ChoiceField(choices=_blank(Commitment.Status.choices, "Any"), required=False)
    step = forms.ChoiceField(choices=_blank(Step.choices, "Any"), required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = (
            Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("user__full_name", "user__email")
        )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "owner_id": data["owner"].pk if data["owner"] else None,
            "status": data["status"] or None,
            "step": data["step"] or None,
            "overdue": data["overdue"],
        }


# --- Champions -----------------------------------------------------------------------------


class ChampionForm(forms.Form):
    membership = MemberChoiceField(
        label="Member", queryset=Membership.objects.none(), empty_label="Choose a member"
    )
    department = forms.CharField(
        max_length=200,
        required=False,
        help_text="Leave empty to use the department on the member's profile.",
    )
    focus_area = forms.CharField(
        label="Area of focus",
        max_length=300,
        help_text="For example: language access, maternal health, hiring.",
    )

    def __init__(self, *args, organization: Organization, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["membership"]
        else:
            self.fields["membership"].queryset = selectors.member_choices(organization=organization)


class ChampionFilterForm(forms.Form):
    q = forms.CharField(label="Search names and focus", required=False)
    department = forms.ChoiceField(required=False)

    def __init__(self, *args, departments: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _blank([(d, d) for d in departments], "Any")

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {
            "search": self.cleaned_data["q"].strip() or None,
            "department": self.cleaned_data["department"] or None,
        }


# --- Listening -----------------------------------------------------------------------------


class ListeningSessionForm(forms.Form):
    title = forms.CharField(label="Name", max_length=200)
    held_on = forms.DateField(label="Date", widget=DATE_WIDGET)
    audience = forms.ChoiceField(
        choices=_blank(ListeningSession.Audience.choices, "Choose an audience")
    )
    method = forms.ChoiceField(choices=_blank(ListeningSession.Method.choices, "Choose a method"))
    participants = forms.IntegerField(
        label="Number of participants or responses", min_value=0, required=False
    )
    themes = forms.CharField(
        label="Themes heard",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One theme per line. Link themes to commitments on the session's page.",
    )
    actions_taken = forms.CharField(
        label="Actions taken", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def theme_list(self) -> list[str]:
        return [line for line in self.cleaned_data.get("themes", "").splitlines() if line.strip()]


class ListeningFilterForm(forms.Form):
    q = forms.CharField(label="Search names and themes", required=False)
    audience = forms.ChoiceField(
        choices=_blank(ListeningSession.Audience.choices, "Any"), required=False
    )
    method = forms.ChoiceField(
        choices=_blank(ListeningSession.Method.choices, "Any"), required=False
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label="To", required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError("The end date is before the start date.")
        return data

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "search": data["q"].strip() or None,
            "audience": data["audience"] or None,
            "method": data["method"] or None,
            "date_from": data["date_from"],
            "date_to": data["date_to"],
        }


class ThemeLinkForm(forms.Form):
    commitments = forms.ModelMultipleChoiceField(
        label="Commitments that respond to this theme",
        queryset=Commitment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = commitments
