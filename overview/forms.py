from django import forms

from equity_portal.core.evidence import evidence_kind_choices

from .models import EvidenceRequirement

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class RequirementForm(forms.Form):
    framework = forms.ChoiceField(choices=EvidenceRequirement.Framework.choices)
    code = forms.CharField(max_length=30, help_text="A short reference, unique here.")
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence_kinds = forms.MultipleChoiceField(
        label="Records that are evidence",
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The requirement is met when every kind ticked here is met.",
    )
    is_active = forms.BooleanField(label="In the evidence pack", required=False, initial=True)

    def __init__(self, *args, kept_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = evidence_kind_choices()
        registered = {key for key, _label in choices}
        waiting = [
            (k, f"{k.replace('_', ' ').capitalize()} (its app is not installed yet)")
            for k in kept_kinds
            if k not in registered
        ]
        self.fields["evidence_kinds"].choices = choices + waiting


class ReportPeriodForm(forms.Form):
    period_from = forms.DateField(label="From", required=False, widget=DATE_WIDGET)
    period_to = forms.DateField(label="To", required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and start > end:
            raise forms.ValidationError("The start of the period must come before its end.")
        return data
