"""Issue 17: a file without a double quote, every line as wide as the header, is parsed by
pyarrow's multithreaded reader: in memory up to a size (about three times faster than
DuckDB's reader), else in blocks cut at line ends and staged as Parquet (about twice as fast,
memory flat). Any other file is read by DuckDB as before. Which reader read a file must never
show: the same file gives the same rows read, rejects with the same row numbers and reasons,
counts, quality counts and Parquet file every way."""

import duckdb
import pytest

from data_hub import engine, storage
from data_hub.models import Extract, StratifiedCount
from data_hub.quality.models import QualityCount
from tests.data_hub.factories import HEADERS, ingest, row, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(monkeypatch):
    """Records, per file read, which reader read it: "memory", "blocks" (pyarrow, staged) or
    "duckdb" (staged)."""
    taken: list[str] = []
    in_memory, in_blocks, by_duckdb = (
        engine._read_in_memory,
        engine._stage_plain,
        engine._stage_with_duckdb,
    )

    def memory(con, spec, used):
        rows = in_memory(con, spec, used)
        if rows is not None:
            taken.append("memory")
        return rows

    def blocks(con, spec, used, staged):
        done = in_blocks(con, spec, used, staged)
        if done:
            taken.append("blocks")
        return done

    def duckdb_(con, spec, used, staged):
        taken.append("duckdb")
        return by_duckdb(con, spec, used, staged)

    monkeypatch.setattr(engine, "_read_in_memory", memory)
    monkeypatch.setattr(engine, "_stage_plain", blocks)
    monkeypatch.setattr(engine, "_stage_with_duckdb", duckdb_)
    return taken


def _outcome(extract: Extract) -> dict:
    path = storage.absolute(extract.parquet_path) if extract.parquet_path else None
    return {
        "status": extract.status,
        "rows": (
            extract.rows_read,
            extract.rows_accepted,
            extract.rows_rejected,
            extract.rows_excluded,
            extract.rows_skipped,
        ),
        "reasons": extract.rejected_reasons,
        "sample": extract.rejected_sample,
        "unmapped": extract.unmapped_values,
        "counts": set(
            StratifiedCount.objects.filter(extract=extract).values_list(
                "measure__code", "period_label", "dimension", "group", "numerator", "denominator"
            )
        ),
        "quality": set(
            QualityCount.objects.filter(extract=extract).values_list(
                "period_label", "site", "dimension", "group", "patients"
            )
        ),
        "file": (
            duckdb.sql(f"SELECT * FROM read_parquet('{path}') ORDER BY ALL").fetchall()
            if path
            else None
        ),
    }


def _both_ways(org, path, readers, monkeypatch, config=None) -> tuple[dict, dict]:
    """The outcome of the file read as it is chosen, then staged in blocks of about 300
    bytes (many blocks, so rows cross no block boundary unseen) when it is plain, then
    staged by DuckDB: the first and the last, once the second is found equal to the last."""
    chosen = _outcome(ingest(org, path, config=config))
    first = readers[-1]
    with monkeypatch.context() as patched:
        patched.setattr(engine, "IN_MEMORY_MAX_BYTES", 0)
        patched.setattr(engine, "STAGE_BLOCK_BYTES", 300)
        blocks = _outcome(ingest(org, path, config=config))
        in_blocks = readers[-1]
        patched.setattr(engine, "_stage_plain", lambda *args: False)
        staged = _outcome(ingest(org, path, config=config))
    assert readers[-1] == "duckdb"
    if first == "memory":
        assert in_blocks == "blocks"
    assert blocks == staged
    return chosen, staged


def _rows(n: int = 40) -> list[list[str]]:
    return [
        row(
            f"TEST-{i}",
            measure=("A1C", "BP")[i % 2],
            period=("2025-Q1", "2025-Q2")[i % 3 % 2],
            num=str(i % 2),
            race=("White", "Ñandú", "  padded  ", "", "Martian", "N/A", "null")[i % 7],
            eth=("N", "", "Y")[i % 3],
            sex=("F", "M", "")[i % 3],
            age=("", "15", "40", "80")[i % 4],
            site=("St. Mary's", "North", "")[i % 3],
        )
        for i in range(n)
    ]


def test_a_plain_file_is_read_in_memory_with_the_same_outcome(
    org, measures, tmp_path, readers, monkeypatch
):
    path = write_csv(tmp_path / "plain.csv", _rows())
    chosen, staged = _both_ways(org, path, readers, monkeypatch)

    assert readers[0] == "memory"
    assert chosen["status"] == Extract.Status.PROCESSED
    assert chosen["rows"][0] == 40
    assert chosen == staged


def test_rejected_rows_keep_their_row_numbers_and_reasons(
    org, measures, tmp_path, readers, monkeypatch
):
    org.reject_tolerance_percent = 50
    org.save()
    rows = _rows()
    rows[3] = row("TEST-3", num="3", den="1")  # numerator above denominator: row 5
    rows[10] = row("TEST-10", period="someday")  # row 12
    rows[20] = rows[19]  # a duplicate: row 22
    path = write_csv(tmp_path / "rejects.csv", rows, delimiter=";")
    chosen, staged = _both_ways(org, path, readers, monkeypatch)

    assert readers[0] == "memory"
    assert chosen["rows"][2] == 3
    assert sorted(r["row"] for r in chosen["sample"]) == [5, 12, 22]
    assert chosen == staged


def test_windows_line_endings_tabs_and_blank_lines_read_the_same(
    org, measures, tmp_path, readers, monkeypatch
):
    path = tmp_path / "crlf.tsv"
    lines = ["\t".join(HEADERS)] + ["\t".join(r) for r in _rows()]
    lines[7:7] = ["", ""]  # skipped by both readers, as if absent
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    chosen, staged = _both_ways(org, path, readers, monkeypatch)

    assert readers[0] == "memory"
    assert chosen["rows"][0] == 40
    assert {g for _, _, d, g, _, _ in chosen["counts"] if d == "site"} == {
        "St. Mary's",
        "North",
        "Unknown",
    }
    assert chosen == staged


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("a quoted field", lambda lines: lines.__setitem__(5, lines[5].replace("North", '"N"'))),
        ("a row one field too wide", lambda lines: lines.__setitem__(9, lines[9] + ",extra")),
        ("a row one field short", lambda lines: lines.__setitem__(9, lines[9].rsplit(",", 1)[0])),
    ],
)
def test_any_other_file_is_read_by_duckdb_as_before(
    org, measures, tmp_path, readers, monkeypatch, name, damage
):
    org.reject_tolerance_percent = 50
    org.save()
    lines = [",".join(HEADERS)] + [",".join(r) for r in _rows()]
    damage(lines)
    path = tmp_path / "other.csv"
    path.write_text("\n".join(lines) + "\n")
    chosen, staged = _both_ways(org, path, readers, monkeypatch)

    assert readers == ["duckdb"] * 3, name
    assert chosen == staged


def test_a_broken_row_is_reported_with_its_line(org, measures, tmp_path, readers):
    org.reject_tolerance_percent = 50
    org.save()
    lines = [",".join(HEADERS)] + [",".join(r) for r in _rows()]
    lines[9] += ",extra"  # line 10
    path = tmp_path / "wide-row.csv"
    path.write_text("\n".join(lines) + "\n")
    extract = ingest(org, path)

    assert readers == ["duckdb"]
    assert extract.status == Extract.Status.PROCESSED
    assert extract.rows_read == 40
    assert [r["row"] for r in extract.rejected_sample] == [10]


def test_a_value_that_is_not_utf8_falls_back_and_is_transcoded(org, measures, tmp_path, readers):
    # Past the upload's sample, so the job, not the upload, finds it (test_utf8_check).
    from data_hub.sources import SNIFF_BYTES

    rows = [row(f"TEST-{i}", site="North") for i in range(SNIFF_BYTES // 60 + 100)]
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    late = ",".join(row("TEST-LATE", site="SITE")).encode().replace(b"SITE", b"Ni\xf1o clinic")
    path = tmp_path / "mixed.csv"
    path.write_bytes("\n".join(lines).encode() + b"\n" + late + b"\n")
    extract = ingest(org, path)

    # pyarrow refuses the file, DuckDB finds the value and reads a Windows-1252 copy, which
    # (plain UTF-8 now) is read in memory.
    assert readers == ["duckdb", "memory"]
    assert (extract.status, extract.rows_rejected) == (Extract.Status.PROCESSED, 0)
    sites = {
        g
        for g in StratifiedCount.objects.filter(extract=extract, dimension="site").values_list(
            "group", flat=True
        )
    }
    assert sites == {"North", "Niño clinic"}


def test_a_file_over_the_limit_is_staged(org, measures, tmp_path, readers, monkeypatch):
    path = write_csv(tmp_path / "big.csv", _rows())
    monkeypatch.setattr(engine, "IN_MEMORY_MAX_BYTES", path.stat().st_size - 1)
    extract = ingest(org, path)

    assert readers == ["blocks"]
    assert (extract.status, extract.rows_read) == (Extract.Status.PROCESSED, 40)


def test_a_wide_file_reads_the_same(org, measures, tmp_path, readers, monkeypatch):
    headers = ["MRN", "Period", "A1C", "BP", "PATIENT_RACE", "Site"]
    rows = [
        [f"TEST-{i}", "2025-Q1", str(i % 2), ("", "1", "0")[i % 3], ("White", "Asian")[i % 2], "N"]
        for i in range(30)
    ]
    path = write_csv(tmp_path / "wide.csv", rows, headers=headers)
    config = {
        "format": "wide",
        "columns": {
            "MRN": "patient_id",
            "Period": "period",
            "PATIENT_RACE": "race",
            "Site": "site",
            "A1C": "measure:A1C",
            "BP": "measure:BP",
        },
        "date_period": "quarter",
    }
    chosen, staged = _both_ways(org, path, readers, monkeypatch, config=config)

    assert readers[0] == "memory"
    assert chosen["status"] == Extract.Status.PROCESSED
    assert chosen["counts"]
    assert chosen == staged


def test_a_value_that_is_not_utf8_in_a_later_block_falls_back_too(
    org, measures, tmp_path, readers, monkeypatch
):
    from data_hub.sources import SNIFF_BYTES

    rows = [row(f"TEST-{i}", site="North") for i in range(SNIFF_BYTES // 60 + 100)]
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    late = ",".join(row("TEST-LATE", site="SITE")).encode().replace(b"SITE", b"Ni\xf1o clinic")
    path = tmp_path / "mixed.csv"
    path.write_bytes("\n".join(lines).encode() + b"\n" + late + b"\n")
    monkeypatch.setattr(engine, "IN_MEMORY_MAX_BYTES", 0)
    monkeypatch.setattr(engine, "STAGE_BLOCK_BYTES", 64 * 1024)
    extract = ingest(org, path)

    # Blocks were staged before pyarrow met the value: DuckDB stages the file again, finds
    # the value, and the Windows-1252 copy is staged in blocks.
    assert readers == ["duckdb", "blocks"]
    assert (extract.status, extract.rows_read) == (Extract.Status.PROCESSED, len(rows) + 1)
    sites = set(
        StratifiedCount.objects.filter(extract=extract, dimension="site").values_list(
            "group", flat=True
        )
    )
    assert sites == {"North", "Niño clinic"}


def test_a_write_that_fails_while_staging_fails_the_job(
    org, measures, tmp_path, readers, monkeypatch
):
    import pyarrow.parquet

    class DiskFull(pyarrow.parquet.ParquetWriter):
        def write_table(self, *args, **kwargs):
            raise OSError("No space left on device")

    monkeypatch.setattr(pyarrow.parquet, "ParquetWriter", DiskFull)
    monkeypatch.setattr(engine, "IN_MEMORY_MAX_BYTES", 0)
    extract = ingest(org, write_csv(tmp_path / "plain.csv", _rows()))

    # Not taken for a file pyarrow cannot read: the job fails, nothing is stored.
    assert readers == []
    assert extract.status == Extract.Status.FAILED
    assert not StratifiedCount.objects.filter(extract=extract).exists()


def test_a_quote_in_a_later_window_of_the_file_is_found(
    org, measures, tmp_path, readers, monkeypatch
):
    import mmap

    from data_hub import sources

    monkeypatch.setattr(sources, "WINDOW", mmap.ALLOCATIONGRANULARITY)
    rows = _rows(400)
    rows[-1] = row("TEST-LAST", site='"North"')  # past the first windows of the file
    path = write_csv(tmp_path / "late-quote.csv", rows)
    assert path.stat().st_size > 3 * mmap.ALLOCATIONGRANULARITY
    extract = ingest(org, path)

    assert readers == ["duckdb"]
    assert (extract.status, extract.rows_read) == (Extract.Status.PROCESSED, 400)
