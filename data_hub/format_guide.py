"""The extract format as people read it (issue 16 item 2): every canonical field of DESIGN §4,
whether it is required, the header spellings the mapping step recognizes, an example, and a
synthetic sample extract (200 rows) and header-only template to download."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import mapping, synthetic

REQUIRED, EXPECTED, OPTIONAL = "required", "expected", "optional"
SAMPLE_ROWS = 200

# field -> (required?, what it holds)
_NOTES: dict[str, tuple[str, str]] = {
    "patient_id": (
        REQUIRED,
        "Any identifier (MRN, member ID). Pseudonymized with your organization's key on "
        "ingest; the original is never stored.",
    ),
    "measure": (
        REQUIRED,
        "The measure's code or name, as defined under Measures. An unknown code is asked "
        "about (define it or reject its rows) before anything is stored.",
    ),
    "period": (
        REQUIRED,
        "A date (2025-07-14, 07/14/2025) or a label: 2025-07, 2025-Q3, 2025 Q3, 2025. Dates "
        "are grouped by month, quarter or year.",
    ),
    "numerator": (REQUIRED, "1 if the patient met the measure, else 0; or a count."),
    "denominator": (OPTIONAL, "1 (the default when the column is absent), or a count."),
    "exclusion": (
        OPTIONAL,
        "1, Y or yes when the patient is excluded: the row leaves the denominator.",
    ),
    "race": (
        EXPECTED,
        "Free text, CDC race codes (2106-3), HEDIS codes (01-09) or a combined race and "
        "ethnicity answer. Mapped to the OMB SPD 15 categories by your value maps; missing or "
        "unknown values count as Unknown, never dropped.",
    ),
    "ethnicity": (
        EXPECTED,
        "The separate Hispanic or Latino question (Y/N, Hispanic, 2135-2...). Combined with "
        "race the way SPD 15 does.",
    ),
    "language": (
        EXPECTED,
        "Preferred language: a name, an ISO code (es, spa) or an EHR spelling.",
    ),
    "sex": (OPTIONAL, "F, M, X, Female, Male..."),
    "age": (OPTIONAL, "Age in years; shown as age bands."),
    "birth_date": (
        OPTIONAL,
        "Used for the age band at the period, then discarded. Use age or birth date.",
    ),
    "payer": (OPTIONAL, "Payer or financial class: Medicare, Medicaid, Commercial, Self-pay..."),
    "site": (OPTIONAL, "Clinic, department or facility."),
}
for _need in mapping.SOCIAL_NEEDS:
    _NOTES[f"{_need}_screened"] = (
        OPTIONAL,
        f"Y/N or 1/0: the patient was screened for {_need} needs.",
    )
    _NOTES[f"{_need}_positive"] = (OPTIONAL, f"Y/N or 1/0: the {_need} screen was positive.")

# The sample's columns: canonical names, so the guide, template and sample agree.
SAMPLE_HEADERS = [
    "patient_id",
    "measure",
    "period",
    "numerator",
    "denominator",
    "race",
    "ethnicity",
    "language",
    "sex",
    "age",
    "payer",
    "site",
    "food_screened",
    "food_positive",
]
TEMPLATE_HEADERS = [*SAMPLE_HEADERS[:4], "denominator", "exclusion", *SAMPLE_HEADERS[5:12]]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    requirement: str
    notes: str
    spellings: tuple[str, ...]
    example: str


@lru_cache(maxsize=1)
def sample_rows() -> tuple[tuple[str, ...], ...]:
    """The synthetic sample extract: 200 made-up rows (identifiers like DEMO-000001), the
    demo's generator with canonical headers."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sample.csv"
        synthetic.generate_extract(path, rows=SAMPLE_ROWS, quarters=4, seed=16)
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            next(reader)
            return tuple(tuple(r) for r in reader)


def sample_measures() -> tuple[synthetic.SyntheticMeasure, ...]:
    return synthetic.DEMO_MEASURES


def fields() -> list[Field]:
    example = dict(zip(SAMPLE_HEADERS, sample_rows()[0], strict=True))
    example.setdefault("exclusion", "0")
    example.setdefault("birth_date", "1974-03-02")
    example["denominator"] = example.get("denominator") or "1"
    return [
        Field(
            name=name,
            label=mapping.TARGET_LABELS[name],
            requirement=_NOTES[name][0],
            notes=_NOTES[name][1],
            spellings=tuple(s for s in mapping.FIELD_SYNONYMS.get(name, []) if s != name),
            example=example.get(name, ""),
        )
        for name in mapping.TARGETS
    ]
