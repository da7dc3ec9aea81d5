from django import forms
from django.conf import settings

from . import mapping
from .models import DIMENSIONS, Measure, ValueMapEntry


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Extract file",
        help_text=(
            "CSV, TSV or pipe-delimited text (UTF-8, UTF-16 or Windows-1252) or an .xlsx "
            f"workbook, up to {settings.MAX_UPLOAD_MB} MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.psv,.xlsx"}),
    )


def _target_choices(measures: list[Measure]) -> list[tuple[str, str]]:
    choices = [("", "— not used —")]
    choices += [(t, mapping.TARGET_LABELS[t]) for t in mapping.TARGETS]
    choices += [
        (mapping.MEASURE_COLUMN_PREFIX + m.code, f"Wide format: measure {m.label}")
        for m in measures
    ]
    return choices


class MappingForm(forms.Form):
    """One select per header (`col_<n>`), the format and the date grouping."""

    format = forms.ChoiceField(
        choices=[
            (mapping.LONG, "Long: one row per patient, measure and period"),
            (mapping.WIDE, "Wide: one row per patient and period, a 0/1 column per measure"),
        ],
        widget=forms.RadioSelect,
    )
    date_period = forms.ChoiceField(
        label="Group dates by",
        choices=[(p, p.capitalize()) for p in mapping.DATE_PERIODS],
        help_text="Used when the period column holds dates.",
    )
    save_as = forms.CharField(
        label="Save this mapping as (optional)",
        max_length=120,
        required=False,
        help_text="Every mapping is remembered for files with the same columns; a name also "
        "lets you export it or pick it for other files.",
    )

    def __init__(self, *args, headers: list[str], measures: list[Measure], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = _target_choices(measures)
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=choices, required=False
            )

    @classmethod
    def initial_from(cls, config: dict, headers: list[str]) -> dict:
        columns = {mapping.normalize_key(h): t for h, t in (config.get("columns") or {}).items()}
        initial = {
            "format": config.get("format", mapping.LONG),
            "date_period": config.get("date_period", "month"),
        }
        for index, header in enumerate(headers):
            initial[f"col_{index}"] = columns.get(mapping.normalize_key(header), "")
        return initial

    def column_fields(self):
        return [self[f"col_{i}"] for i in range(len(self.headers))]

    def config(self) -> dict:
        data = self.cleaned_data
        return {
            "format": data["format"],
            "date_period": data["date_period"],
            "columns": {h: data.get(f"col_{i}") or "" for i, h in enumerate(self.headers)},
        }


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = [
            "code",
            "name",
            "description",
            "category",
            "direction",
            "steward",
            "reference_rule",
            "reference_group",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class UndefinedMeasureForm(forms.Form):
    """For each undefined code: define it (name, direction, category) or reject its rows."""

    def __init__(self, *args, codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = codes
        for index, code in enumerate(codes):
            self.fields[f"action_{index}"] = forms.ChoiceField(
                label=f"“{code}”",
                choices=[("define", "Define it"), ("reject", "Reject its rows")],
                initial="define",
                widget=forms.RadioSelect,
            )
            self.fields[f"name_{index}"] = forms.CharField(
                label="Name", max_length=200, required=False, initial=code
            )
            self.fields[f"direction_{index}"] = forms.ChoiceField(
                label="Direction", choices=Measure.Direction.choices
            )
            # No default: a measure defined here must not land in a category nobody chose.
            self.fields[f"category_{index}"] = forms.ChoiceField(
                label="Category",
                choices=[("", "Choose a category…"), *Measure.Category.choices],
                required=False,
            )

    def clean(self):
        cleaned = super().clean()
        for index, code in enumerate(self.codes):
            if cleaned.get(f"action_{index}") == "define" and not cleaned.get(f"category_{index}"):
                self.add_error(f"category_{index}", f"Choose the category of “{code}”.")
        return cleaned

    def rows(self):
        return [
            {
                "code": code,
                "action": self[f"action_{i}"],
                "name": self[f"name_{i}"],
                "direction": self[f"direction_{i}"],
                "category": self[f"category_{i}"],
            }
            for i, code in enumerate(self.codes)
        ]

    def decisions(self) -> tuple[list[dict], list[str]]:
        define, reject = [], []
        for i, code in enumerate(self.codes):
            if self.cleaned_data[f"action_{i}"] == "reject":
                reject.append(code)
            else:
                define.append(
                    {
                        "code": code,
                        "name": self.cleaned_data[f"name_{i}"] or code,
                        "direction": self.cleaned_data[f"direction_{i}"],
                        "category": self.cleaned_data[f"category_{i}"],
                    }
                )
        return define, reject


class ValueMapEntryForm(forms.Form):
    family = forms.ChoiceField(choices=ValueMapEntry.Family.choices)
    source_value = forms.CharField(label="Value in extracts", max_length=200)
    target = forms.CharField(label="Standard label", max_length=120)


class IntersectionsForm(forms.Form):
    intersections = forms.MultipleChoiceField(
        choices=[
            (f"{a} x {b}", f"{a} x {b}")
            for i, a in enumerate(DIMENSIONS)
            for b in DIMENSIONS[i + 1 :]
            if not {a, b} <= {"race", "ethnicity", "race_ethnicity"}
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class MappingImportForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, help_text="Defaults to the file's name.")
    file = forms.FileField(label="Mapping JSON file")


class ValueMapImportForm(forms.Form):
    file = forms.FileField(
        label="Value maps CSV",
        help_text="Columns family,source_value,category, as the export writes them. Rows add or "
        "change entries; entries not in the file stay as they are.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt"}),
    )
