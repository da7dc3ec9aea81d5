from django import forms

from data_hub.models import DIMENSIONS, Measure

from .models import CommunityIndicator

DIMENSION_CHOICES = [("", "—")] + [(d, d) for d in DIMENSIONS]


class IndicatorForm(forms.ModelForm):
    dimension = forms.ChoiceField(choices=DIMENSION_CHOICES, required=False)
    measure = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The patient measure this relates to, if any."
    )

    class Meta:
        model = CommunityIndicator
        fields = [
            "indicator",
            "geography",
            "dimension",
            "group",
            "value",
            "unit",
            "source",
            "year",
            "measure",
        ]

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(organization=organization)


class IndicatorUploadForm(forms.Form):
    file = forms.FileField(
        help_text="CSV or XLSX with the columns indicator, geography, group, value, unit, "
        "source, year and optionally dimension and measure (a measure code). Nothing is "
        "stored if any row is invalid."
    )


class IndicatorFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    source = forms.ChoiceField(
        choices=[("", "Any source"), *CommunityIndicator.Source.choices], required=False
    )
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
