"""Synthetic extracts for the demo, the benchmark and the tests. Entirely made up: identifiers
look like DEMO-000123 and every value is drawn from a seeded random generator.

Long format, one row per patient x measure x quarter, with EHR-style headers, messy race and
language spellings (free text, CDC codes, ISO codes), the 1997 two-question form, built-in
disparities (some narrowing over time), some tiny groups, and social-needs screening columns.
Written with numpy and pyarrow in chunks, so 10 million rows take seconds and little memory.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

HEADERS = [
    "MRN",
    "Measure",
    "Period",
    "Numerator",
    "Denominator",
    "PATIENT_RACE",
    "ETHNIC_GROUP",
    "Preferred Language",
    "Sex",
    "Age",
    "Payer",
    "Site",
    "food_screened",
    "food_positive",
]


@dataclass(frozen=True)
class SyntheticMeasure:
    code: str
    name: str
    direction: str
    category: str
    base_rate: float
    # Added to the rate per quarter (improvement over time).
    trend: float = 0.0


DEMO_MEASURES = (
    SyntheticMeasure("A1C-CTRL", "Diabetes: HbA1c below 8%", "higher_is_better", "quality", 0.68),
    SyntheticMeasure(
        "BP-CTRL",
        "Hypertension: blood pressure controlled",
        "higher_is_better",
        "quality",
        0.62,
        0.006,
    ),
    SyntheticMeasure(
        "CRC-SCREEN",
        "Colorectal cancer screening",
        "higher_is_better",
        "preventive_screening",
        0.58,
        0.004,
    ),
    SyntheticMeasure(
        "READMIT-30", "Readmission within 30 days", "lower_is_better", "outcome", 0.14
    ),
)

# (label, share of patients, rate effect on the favourable outcome, spellings)
RACES = (
    ("White", 0.50, 0.0, ["White", "WHITE", "Caucasian", "white ", "2106-3"]),
    ("Black", 0.18, -0.13, ["Black or African American", "African American", "BLACK", "2054-5"]),
    ("Asian", 0.08, 0.02, ["Asian", "ASIAN", "Vietnamese", "Chinese", "2028-9"]),
    ("AIAN", 0.02, -0.11, ["American Indian or Alaska Native", "Native American", "1002-5"]),
    ("NHPI", 0.003, -0.06, ["Native Hawaiian", "Pacific Islander"]),
    ("MENA", 0.004, -0.03, ["Middle Eastern", "Arab"]),
    ("Multi", 0.03, -0.04, ["Two or more races", "Multiracial"]),
    ("Other", 0.12, -0.08, ["Other", "Some other race", "White"]),  # mostly Hispanic patients
    ("Unknown", 0.05, -0.02, ["", "Unknown", "UNK"]),
    ("Declined", 0.023, -0.02, ["Patient declined", "Declined to answer", "ASKU"]),
)
HISPANIC_SPELLINGS = ["Hispanic or Latino", "Hispanic", "2135-2", "Y"]
NOT_HISPANIC_SPELLINGS = ["Not Hispanic or Latino", "Non-Hispanic", "2186-5", "N"]
LANGUAGES = (
    ("English", 0.78, 0.0, ["English", "ENGLISH", "eng", "en"]),
    ("Spanish", 0.13, -0.07, ["Spanish", "Español", "spa", "es"]),
    ("Vietnamese", 0.03, -0.06, ["Vietnamese", "vie"]),
    ("Chinese", 0.03, -0.05, ["Mandarin", "Cantonese", "zho"]),
    ("Somali", 0.004, -0.08, ["Somali", "som"]),
    ("Unknown", 0.026, -0.02, ["", "Unknown"]),
)
PAYERS = (
    ("Commercial", 0.45, 0.0, ["Commercial", "BCBS", "Aetna"]),
    ("Medicare", 0.25, -0.01, ["Medicare", "MCR"]),
    ("Medicaid", 0.22, -0.06, ["Medicaid", "MCD"]),
    ("Self-pay", 0.08, -0.09, ["Self-pay", "Uninsured"]),
)
SITES = ("Northside Clinic", "Riverside Health Center", "Downtown Primary Care", "Eastgate FQHC")
QUARTER_SPELLINGS = ["{y}-Q{q}", "{y} Q{q}"]


def _choose(rng, table, size):
    shares = np.array([t[1] for t in table], dtype=float)
    return rng.choice(len(table), size=size, p=shares / shares.sum())


def _spelling(rng, table, category):
    """Per patient, one spelling index into a flat dictionary of all spellings."""
    flat = [s for t in table for s in t[3]]
    offsets = np.cumsum([0] + [len(t[3]) for t in table[:-1]])
    counts = np.array([len(t[3]) for t in table])
    pick = (rng.random(category.size) * counts[category]).astype(np.int64)
    return flat, offsets[category] + pick


def _strings(dictionary: list[str], indices: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(indices, pa.int32()), pa.array(dictionary, pa.string())
    ).cast(pa.string())


def generate_extract(
    path: Path,
    *,
    rows: int = 64_000,
    measures: tuple[SyntheticMeasure, ...] = DEMO_MEASURES,
    quarters: int = 8,
    first_year: int = 2024,
    seed: int = 2026,
    chunk_rows: int = 1_000_000,
) -> dict:
    """Write a synthetic long-format extract CSV (UTF-8) and return a summary."""
    rng = np.random.default_rng(seed)
    per_patient = len(measures) * quarters
    patients = -(-rows // per_patient)
    race = _choose(rng, RACES, patients)
    # The 1997 two-question form: most "Other race" patients and some others are Hispanic.
    hispanic = np.where(race == 7, rng.random(patients) < 0.85, rng.random(patients) < 0.04)
    language = _choose(rng, LANGUAGES, patients)
    language = np.where(hispanic & (rng.random(patients) < 0.55), 1, language)
    payer = _choose(rng, PAYERS, patients)
    sex = rng.choice(
        ["F", "M", "Female", "Male", "X"], size=patients, p=[0.3, 0.3, 0.2, 0.19, 0.01]
    )
    age = np.clip(rng.normal(52, 17, patients).astype(np.int64), 18, 95)
    site = rng.integers(0, len(SITES), patients)
    race_words, race_idx = _spelling(rng, RACES, race)
    lang_words, lang_idx = _spelling(rng, LANGUAGES, language)
    payer_words, payer_idx = _spelling(rng, PAYERS, payer)
    eth_words = HISPANIC_SPELLINGS + NOT_HISPANIC_SPELLINGS
    eth_idx = np.where(
        hispanic,
        rng.integers(0, len(HISPANIC_SPELLINGS), patients),
        len(HISPANIC_SPELLINGS) + rng.integers(0, len(NOT_HISPANIC_SPELLINGS), patients),
    )
    effect = (
        np.array([t[2] for t in RACES])[race]
        + np.array([t[2] for t in LANGUAGES])[language]
        + np.array([t[2] for t in PAYERS])[payer]
        + np.where(hispanic, -0.05, 0.0)
    )
    food_risk = np.clip(0.08 - effect * 0.8, 0.02, 0.6)
    period_words = [
        spelling.format(y=first_year + q // 4, q=q % 4 + 1)
        for q in range(quarters)
        for spelling in QUARTER_SPELLINGS
    ]
    measure_codes = [m.code for m in measures]
    base = np.array([m.base_rate for m in measures])
    trend = np.array([m.trend for m in measures])
    lower = np.array([m.direction == "lower_is_better" for m in measures])
    id_width = max(6, len(str(patients)))

    path.parent.mkdir(parents=True, exist_ok=True)
    schema = pa.schema([(h, pa.string()) for h in HEADERS])
    options = pacsv.WriteOptions(include_header=True, quoting_style="needed")
    written = 0
    with pacsv.CSVWriter(str(path), schema, write_options=options) as writer:
        while written < rows:
            n = min(chunk_rows, rows - written)
            i = np.arange(written, written + n, dtype=np.int64)
            pat = i // per_patient
            meas = (i // quarters) % len(measures)
            quarter = i % quarters
            # Disparities narrow over time for improving measures (half the gap by the end).
            closing = 1 - 0.5 * (trend[meas] > 0) * quarter / max(quarters - 1, 1)
            favourable = base[meas] + trend[meas] * quarter + effect[pat] * closing
            rate = np.where(lower[meas], 1 - favourable, favourable)
            numerator = (rng.random(n) < np.clip(rate, 0.01, 0.99)).astype(np.int64)
            screened = rng.random(n) < 0.7
            positive = screened & (rng.random(n) < food_risk[pat])
            ids = np.char.add("DEMO-", np.char.zfill(pat.astype(str), id_width))
            table = pa.table(
                [
                    pa.array(ids, pa.string()),
                    _strings(measure_codes, meas),
                    _strings(period_words, quarter * 2 + (pat % 7 == 0)),
                    _strings(["0", "1"], numerator),
                    _strings(["1"], np.zeros(n, dtype=np.int64)),
                    _strings(race_words, race_idx[pat]),
                    _strings(eth_words, eth_idx[pat]),
                    _strings(lang_words, lang_idx[pat]),
                    pa.array(sex[pat], pa.string()),
                    pa.array(age[pat].astype(str), pa.string()),
                    _strings(payer_words, payer_idx[pat]),
                    _strings(list(SITES), site[pat]),
                    _strings(["N", "Y"], screened.astype(np.int64)),
                    _strings(["N", "Y"], positive.astype(np.int64)),
                ],
                schema=schema,
            )
            writer.write_table(table)
            written += n
    return {
        "rows": rows,
        "patients": patients,
        "measures": measure_codes,
        "quarters": quarters,
        "size_bytes": path.stat().st_size,
    }


def write_rows(path: Path, headers: list[str], rows: list[list], **fmt) -> Path:
    """A small CSV fixture (tests): `fmt` goes to csv.writer (e.g. delimiter)."""
    with open(path, "w", newline="", encoding=fmt.pop("encoding", "utf-8")) as handle:
        writer = csv.writer(handle, **fmt)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
