from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html

from .models import MIN_SUPPRESSION_K, Organization, User
from .roles import Role


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(choices=Role.choices)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class AcceptInvitationForm(forms.Form):
    """For someone without an account: name and a password checked by Django's validators."""

    full_name = forms.CharField(label="Your name", max_length=200)
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    action = forms.ChoiceField(required=False)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organization: Organization, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(
            memberships__organization=organization
        ).order_by("email")
        self.fields["action"].choices = [("", "Any action")] + [(a, a) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        return data


_K_TOO_SMALL = (
    f"The suppression threshold cannot be below {MIN_SUPPRESSION_K}: smaller counts could "
    "identify patients (CMS cell-size policy)."
)


class OrganizationSettingsForm(forms.ModelForm):
    suppression_k = forms.IntegerField(
        label="Small-cell suppression threshold",
        min_value=MIN_SUPPRESSION_K,
        max_value=32767,
        error_messages={"min_value": _K_TOO_SMALL},
        help_text=Organization._meta.get_field("suppression_k").help_text,
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "suppression_k",
            "reject_tolerance_percent",
            "raw_retention_days",
            "completeness_target_percent",
        ]
