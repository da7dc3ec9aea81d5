"""Race, ethnicity and language are mapped by one implementation (`engine.map_values`): the
stratified results and the data-quality counts of the same rows agree group for group,
including the spellings, blanks, unmapped values and the Hispanic fallback."""

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from data_hub import engine
from data_hub.defaults import ALL_SITES, DECLINED, HISPANIC, UNKNOWN

Q1 = date(2025, 1, 1)
RACES = [" White ", "WHITE", "black", "Hispanic", "declined", "", None, "martian", "Asian"]
LANGUAGES = ["English", "spanish ", None, "klingon"]
ETHNICITIES = ["Not Hispanic", None, "hispanic", "declined"]
MAPS = {
    "race": {
        "white": "White",
        "black": "Black or African American",
        "hispanic": HISPANIC,
        "declined": DECLINED,
        "asian": "Asian",
    },
    "ethnicity": {
        "not hispanic": "Not Hispanic or Latino",
        "hispanic": HISPANIC,
        "declined": DECLINED,
    },
    "language": {"english": "English", "spanish": "Spanish"},
}


def _parquet(path):
    rows = []
    for i in range(180):  # one row per patient: patients = denominators
        rows.append(
            {
                "line": i + 2,
                "pid": f"p{i}",
                "measure": "screen",
                "period_start": Q1,
                "granularity": "quarter",
                "period_label": "2025-Q1",
                "numerator": i % 2,
                "denominator": 1,
                "excluded": False,
                "race": RACES[i % len(RACES)],
                "ethnicity": ETHNICITIES[i % len(ETHNICITIES)],
                "language": LANGUAGES[i % len(LANGUAGES)],
                "sex": None,
                "payer": None,
                "site": "North",
                "age_band": UNKNOWN,
            }
        )
    schema = pa.schema(
        [
            ("line", pa.int64()),
            ("pid", pa.string()),
            ("measure", pa.string()),
            ("period_start", pa.date32()),
            ("granularity", pa.string()),
            ("period_label", pa.string()),
            ("numerator", pa.int64()),
            ("denominator", pa.int64()),
            ("excluded", pa.bool_()),
            *[(c, pa.string()) for c in ("race", "ethnicity", "language", "sex", "payer")],
            ("site", pa.string()),
            ("age_band", pa.string()),
        ]
    )
    pq.write_table(pa.table({n: [r[n] for r in rows] for n in schema.names}, schema=schema), path)
    return engine.parquet_source(path)


def test_results_and_quality_map_every_value_the_same_way(tmp_path):
    source = _parquet(tmp_path / "n.parquet")
    con = engine.connect(tmp_path / "work")
    try:
        codes = engine.map_values(con, source=source, value_maps=MAPS)
        strata = engine.stratify(con, source=source, value_maps={}, intersections=[], codes=codes)
        rows, patients = engine.quality_counts(con, source=source, codes=codes)
    finally:
        con.close()
    assert patients == 180
    results = {
        (dimension, group): denominator
        for _, _, _, _, dimension, group, _, denominator in strata.rows
    }
    quality = {(dim, group): n for _, _, _, site, dim, group, n in rows if site == ALL_SITES}
    for family in ("race", "ethnicity", "language"):
        shown = {g: n for (d, g), n in results.items() if d == family}
        assert shown == {g: n for (d, g), n in quality.items() if d == family}, family
    # " White " and "WHITE" are one group; "" and None are Unknown; "martian" is Unknown
    # and reported as unmapped; Hispanic race fills a missing ethnicity.
    assert results[("race", "White")] == 40
    assert results[("race", UNKNOWN)] == 60
    assert strata.unmapped == {"race": {"martian": 20}, "language": {"klingon": 45}}
    assert results[("ethnicity", HISPANIC)] == quality[("ethnicity", HISPANIC)] > 45


def test_codes_follow_the_labels_alphabetical_order(tmp_path):
    """The quality counts take a patient's first known category by name: the smallest code."""
    source = _parquet(tmp_path / "n.parquet")
    con = engine.connect(tmp_path / "work")
    try:
        codes = engine.map_values(con, source=source, value_maps=MAPS)
    finally:
        con.close()
    assert codes.labels == sorted(codes.labels)
    assert [codes.code(label) for label in codes.labels] == list(range(len(codes.labels)))
