"""Column mapping: the canonical fields, header suggestions from common EHR names, header
signatures (how a mapping is remembered), and validation of a mapping's config."""

import hashlib
import re

from .defaults import normalize_key

LONG = "long"
WIDE = "wide"
MEASURE_COLUMN_PREFIX = "measure:"
DATE_PERIODS = ("month", "quarter", "year")
SOCIAL_NEEDS = ("food", "housing", "transportation", "utilities", "safety")

# Canonical targets and the header spellings that suggest them (compared without case,
# spaces, underscores or punctuation).
FIELD_SYNONYMS: dict[str, list[str]] = {
    "patient_id": [
        "patient_id",
        "patient id",
        "patientid",
        "pat_id",
        "mrn",
        "medical record number",
        "pat_mrn_id",
        "person_id",
        "member_id",
        "enterprise id",
        "empi",
    ],
    "measure": [
        "measure",
        "metric",
        "measure_code",
        "measure code",
        "measure_id",
        "quality_measure",
    ],
    "period": [
        "period",
        "reporting_period",
        "reporting period",
        "quarter",
        "month",
        "service_date",
        "encounter_date",
        "visit_date",
        "date",
        "measure_period",
    ],
    "numerator": ["numerator", "met", "num", "numerator_flag", "compliant", "measure_met", "hit"],
    "denominator": ["denominator", "eligible", "denom", "in_denominator", "denominator_flag"],
    "exclusion": ["exclusion", "excluded", "exclusion_flag", "exception", "denominator_exclusion"],
    "race": ["race", "patient_race", "race_desc", "race_1", "race_category", "race_ethnicity"],
    "ethnicity": [
        "ethnicity",
        "ethnic_group",
        "ethnic group",
        "hispanic",
        "hispanic_ind",
        "hispanic_or_latino",
        "patient_ethnicity",
    ],
    "language": [
        "language",
        "preferred language",
        "preferred_language",
        "pref_language",
        "primary_language",
        "language_desc",
        "lang",
        "patient_language",
    ],
    "sex": ["sex", "gender", "sex_c", "patient_sex", "birth_sex", "sex_assigned_at_birth"],
    "age": ["age", "age_years", "patient_age", "age_at_visit"],
    "birth_date": ["birth_date", "birthdate", "dob", "date_of_birth", "birth_dt"],
    "payer": [
        "payer",
        "payor",
        "payer_class",
        "financial_class",
        "fin_class",
        "insurance",
        "coverage",
        "payor_category",
    ],
    "site": ["site", "location", "clinic", "department", "facility", "dept_name", "practice"],
}
for _need in SOCIAL_NEEDS:
    FIELD_SYNONYMS[f"{_need}_screened"] = [f"{_need}_screened", f"{_need}_screen", f"sdoh_{_need}"]
    FIELD_SYNONYMS[f"{_need}_positive"] = [
        f"{_need}_positive",
        f"{_need}_insecurity",
        f"{_need}_pos",
    ]
FIELD_SYNONYMS["food_positive"].append("food_insecure")
FIELD_SYNONYMS["housing_positive"].extend(["housing_instability", "housing_insecure"])

TARGET_LABELS = {
    "patient_id": "Patient ID (pseudonymized)",
    "measure": "Measure (code or name)",
    "period": "Period (date, 2025-07, 2025-Q3, 2025)",
    "numerator": "Numerator (0/1 or count)",
    "denominator": "Denominator (default 1)",
    "exclusion": "Exclusion flag",
    "race": "Race",
    "ethnicity": "Ethnicity (Hispanic or Latino)",
    "language": "Preferred language",
    "sex": "Sex",
    "age": "Age (years)",
    "birth_date": "Birth date (used for age band, not kept)",
    "payer": "Payer",
    "site": "Site",
}
for _need in SOCIAL_NEEDS:
    TARGET_LABELS[f"{_need}_screened"] = f"{_need.capitalize()} need: screened"
    TARGET_LABELS[f"{_need}_positive"] = f"{_need.capitalize()} need: positive"

TARGETS = tuple(TARGET_LABELS)
REQUIRED = {LONG: ("patient_id", "measure", "period", "numerator"), WIDE: ("patient_id", "period")}

_SQUASH = re.compile(r"[^a-z0-9]+")


def _squash(value: str) -> str:
    return _SQUASH.sub("", value.lower())


_SUGGEST = {_squash(s): target for target, spellings in FIELD_SYNONYMS.items() for s in spellings}


def header_signature(headers: list[str]) -> str:
    """Same columns in any order and letter case -> the same signature."""
    key = "\x1f".join(sorted(normalize_key(h) for h in headers))
    return hashlib.sha256(key.encode()).hexdigest()


def suggest(headers: list[str], measures: dict[str, str] | None = None) -> dict[str, str]:
    """{header: suggested target}. `measures` ({code or name, lower: code}) lets a header that
    names a defined measure become a wide-format measure column."""
    measures = measures or {}
    suggested: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        target = _SUGGEST.get(_squash(header))
        if target and target not in taken:
            suggested[header] = target
            taken.add(target)
        elif normalize_key(header) in measures:
            suggested[header] = MEASURE_COLUMN_PREFIX + measures[normalize_key(header)]
        else:
            suggested[header] = ""
    return suggested


def guess_format(columns: dict[str, str]) -> str:
    targets = set(columns.values())
    has_measure_columns = any(t.startswith(MEASURE_COLUMN_PREFIX) for t in targets)
    return WIDE if has_measure_columns and "measure" not in targets else LONG


def validate_config(config: dict, headers: list[str]) -> list[str]:
    """Problems with a mapping config for these headers (empty when it can be used)."""
    problems = []
    fmt = config.get("format", LONG)
    if fmt not in (LONG, WIDE):
        problems.append("The format must be long or wide.")
        return problems
    columns: dict = config.get("columns") or {}
    known = {normalize_key(h) for h in headers}
    used: dict[str, str] = {}
    for header, target in columns.items():
        if not target:
            continue
        if normalize_key(header) not in known:
            problems.append(f"The file has no column named “{header}”.")
            continue
        if target.startswith(MEASURE_COLUMN_PREFIX):
            if fmt != WIDE:
                problems.append(f"“{header}” is a measure column, which only wide format uses.")
            continue
        if target not in TARGETS:
            problems.append(f"“{target}” is not a field an extract can map to.")
        elif target in used:
            problems.append(f"Both “{used[target]}” and “{header}” are mapped to {target}.")
        used[target] = header
    missing = [t for t in REQUIRED[fmt] if t not in used]
    if missing:
        problems.append("Required fields left unmatched: " + ", ".join(missing) + ".")
    if fmt == WIDE and not any(t and t.startswith(MEASURE_COLUMN_PREFIX) for t in columns.values()):
        problems.append("A wide-format mapping needs at least one measure column.")
    if fmt == WIDE and "measure" in used:
        problems.append("A wide-format extract has measure columns, not a measure field.")
    if config.get("date_period", "month") not in DATE_PERIODS:
        problems.append("Dates must be grouped by month, quarter or year.")
    return problems


def resolve_columns(config: dict, headers: list[str]) -> dict[str, int]:
    """{target: column index}; wide measure columns as {"measure:<code>": index}."""
    index = {normalize_key(h): i for i, h in enumerate(headers)}
    resolved: dict[str, int] = {}
    for header, target in (config.get("columns") or {}).items():
        if target and normalize_key(header) in index:
            resolved[target] = index[normalize_key(header)]
    return resolved
