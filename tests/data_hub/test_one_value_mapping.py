"""Race, ethnicity and language are mapped by one implementation (`engine.map_values`): the
stratified results and the data-quality counts of the same rows agree group for group,
including the spellings, blanks, unmapped values and the Hispanic fallback."""

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from data_hub import engine
from data_hub.defaults import ALL_SITES, DECLINED, HISPANIC, UNKNOWN
from tests.data_hub_results.test_quality_report import SCHEMA

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
    schema = SCHEMA  # the normalized Parquet file's columns, as the quality tests write it
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


def test_all_sites_takes_the_best_a_patient_has_anywhere(tmp_path):
    """Known at one site beats Declined at another; Declined beats Unknown; per site each
    keeps its own best."""
    rows = [  # (pid, site, race)
        ("a", "North", "white"),
        ("a", "South", "declined"),
        ("b", "North", "declined"),
        ("b", "South", None),
        ("c", "South", None),
        ("d", "North", "asian"),
        ("d", "South", "white"),
    ]
    schema = pa.schema(
        [(c, pa.string()) for c in ("pid", "site", "race", "ethnicity", "language")]
        + [
            ("period_start", pa.date32()),
            ("granularity", pa.string()),
            ("period_label", pa.string()),
            ("sex", pa.string()),
            ("payer", pa.string()),
            ("age_band", pa.string()),
        ]
    )
    table = {
        "pid": [r[0] for r in rows],
        "site": [r[1] for r in rows],
        "race": [r[2] for r in rows],
        "ethnicity": [None] * len(rows),
        "language": [None] * len(rows),
        "period_start": [Q1] * len(rows),
        "granularity": ["quarter"] * len(rows),
        "period_label": ["2025-Q1"] * len(rows),
        "sex": [None] * len(rows),
        "payer": [None] * len(rows),
        "age_band": [UNKNOWN] * len(rows),
    }
    path = tmp_path / "sites.parquet"
    pq.write_table(pa.table(table, schema=schema), path)
    source = engine.parquet_source(path)
    con = engine.connect(tmp_path / "work")
    try:
        codes = engine.map_values(con, source=source, value_maps=MAPS)
        out, patients = engine.quality_counts(con, source=source, codes=codes)
    finally:
        con.close()
    race = {(site, group): n for _, _, _, site, dim, group, n in out if dim == "race"}
    assert patients == 4
    assert race[(ALL_SITES, "White")] == 1  # a
    assert race[(ALL_SITES, "Asian")] == 1  # d: the first known category by name
    assert race[(ALL_SITES, DECLINED)] == 1  # b
    assert race[(ALL_SITES, UNKNOWN)] == 1  # c
    assert race[("South", DECLINED)] == 1 and race[("South", UNKNOWN)] == 2  # a; b, c
    assert race[("North", "White")] == 1 and race[("North", DECLINED)] == 1
