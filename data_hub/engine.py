"""The ingest engine (DESIGN §4, §6): DuckDB, no Django.

One run reads the UTF-8 delimited file once. A plain file (no double quote, every row as wide
as the header) is parsed by pyarrow's multithreaded reader: into memory up to
`IN_MEMORY_MAX_BYTES`, else in blocks cut at line ends, staged as Parquet while the next block
is parsed. Any other file is read by DuckDB's reader and staged the same way (structural
errors go to DuckDB's rejects table with their line). Staged files hold the mapped columns as
text, in file order. Every way, the rows read are the same text.

One scan of the rows read finds the distinct measures, periods, identifiers, birth dates and
the values of the other low-cardinality columns: each is parsed once per distinct value (joined
back as small tables; per row only joins and integer comparisons remain), and each identifier
is pseudonymized once with the organization's key. One validation pass over the rows read
materializes every row, its text columns as ENUM types over those distinct values, and shows
whether every row is accepted (the common case; the social-needs flags are grouped and
duplicates found from that table). Then that table is the normalized rows; only an extract with
rejected rows materializes table `base` for the report with row numbers. Every dimension and
intersection is computed from the normalized rows in one `GROUPING SETS` pass, value maps
joined as small tables of integer codes, and the rows are written to Parquet once, alongside
the Python that stores and protects the counts (with one thread, or every thread for a file too
large to be written in that time). No per-row Python loop.

Row numbers count the header as row 1, as a spreadsheet shows them.
"""

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from equity_portal.core.pseudonymize import pseudonymize_many

from . import timings
from .defaults import ALL_SITES, DECLINED, HISPANIC, QUALITY_DIMENSIONS, UNKNOWN, normalize_key
from .mapping import MEASURE_COLUMN_PREFIX, SOCIAL_NEEDS, WIDE, resolve_columns
from .sources import mapped_windows

ENGINE_VERSION = "ingest-1"
MEMORY_LIMIT = "512MB"
THREADS = 2
SAMPLE_SIZE = 50
HASH_BATCH = 100_000
CODEC = "snappy"  # the final Parquet file: fast to write and to read back

# Dimensions kept as raw source text in the Parquet file, mapped at stratification time so a
# value-map change only needs a re-stratification.
MAPPED_FAMILIES = ("race", "ethnicity", "language", "sex", "payer")
AGE_BANDS = ((0, 17), (18, 34), (35, 49), (50, 64), (65, 74), (75, None))
TRUE_WORDS = ("1", "y", "yes", "true", "t", "positive", "pos", "screened")
FALSE_WORDS = ("0", "n", "no", "false", "f", "negative", "neg", "not screened")

# Validation rules: code -> (field, reason). The first failing rule of a row is reported.
RULES = {
    1: ("patient_id", "patient_id is missing"),
    2: ("measure", "measure is missing"),
    3: ("period", "period is missing"),
    4: ("numerator", "numerator is missing"),
    5: ("period", "period is not a date, a month (2025-07), a quarter (2025-Q3) or a year"),
    6: ("numerator", "numerator is not a non-negative whole number"),
    7: ("denominator", "denominator is not a non-negative whole number"),
    8: ("numerator", "numerator is greater than the denominator"),
    9: ("exclusion", "exclusion is not yes/no (1/0)"),
    10: ("age", "age is not a plausible age in years (0-120)"),
    11: ("birth_date", "birth date is not a date, is after the period or gives an age over 120"),
    12: ("screening", "a social-needs screening field is not yes/no (1/0)"),
    13: ("patient_id", "duplicate patient x measure x period row"),
}
STRUCTURAL = {
    "MISSING COLUMNS": "the row has fewer columns than the header",
    "TOO MANY COLUMNS": "the row has more columns than the header",
    "UNQUOTED VALUE": "a quote in the row is not closed or not escaped",
    "INVALID ENCODING": "the row holds characters that are not valid text",
    "LINE SIZE OVER MAXIMUM": "the row is too long to read",
}
# Values shown in the report only for fields that cannot identify a patient.
SHOWN_VALUE = {5: "period", 6: "numerator", 7: "denominator", 8: "numerator", 9: "exclusion"}

_QUARTER = re.compile(r"^(\d{4})\s*[-/ ]?\s*q([1-4])$|^q([1-4])\s*[-/ ]?\s*(\d{4})$")
_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})$")
_YEAR = re.compile(r"^(?:cy|fy)?\s*(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class IngestError(Exception):
    """A problem the analyst can fix; `str(error)` is written for them."""


@dataclass
class IngestSpec:
    csv_path: Path
    delimiter: str
    headers: list[str]
    config: dict
    measure_aliases: dict[str, str]  # normalized code or name -> measure code
    key: bytes
    work_dir: Path
    rejected_measures: set[str] = field(default_factory=set)  # normalized values
    progress: Callable[..., None] = lambda *args, **kwargs: None
    # For a file taken for UTF-8 without reading it all: a UTF-8 copy to read instead when
    # DuckDB finds a value that is not (`load`).
    transcode: Callable[[], Path] | None = None


@dataclass
class IngestResult:
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_excluded: int = 0
    rows_skipped: int = 0
    undefined_measures: list[str] = field(default_factory=list)
    reject_sample: list[dict] = field(default_factory=list)
    reject_reasons: dict[str, int] = field(default_factory=dict)
    rejects_csv: Path | None = None
    measures: list[str] = field(default_factory=list)
    periods: int = 0


@dataclass
class Strata:
    """Aggregated counts: rows (measure_code, period_start, granularity, period_label,
    dimension, group, numerator, denominator) and the unmapped source values counted."""

    rows: list[tuple] = field(default_factory=list)
    unmapped: dict[str, dict[str, int]] = field(default_factory=dict)


def connect(work_dir: Path, memory_limit: str = MEMORY_LIMIT) -> duckdb.DuckDBPyConnection:
    work_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"threads": THREADS, "memory_limit": memory_limit})
    con.execute(f"SET temp_directory = {_lit(str(work_dir / 'spill'))}")
    con.execute("SET preserve_insertion_order = true")
    return con


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---------------------------------------------------------------------------------------------
# Parsing distinct values (small tables, joined back)


def parse_period(raw: str, date_period: str = "month") -> tuple[date, str, str] | None:
    """(period start, granularity, label) of a period value, or None if it is not one."""
    text = raw.strip().lower()
    if m := _QUARTER.match(text):
        year = int(m.group(1) or m.group(4))
        quarter = int(m.group(2) or m.group(3))
        return date(year, 3 * quarter - 2, 1), "quarter", f"{year}-Q{quarter}"
    if m := _MONTH.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return date(year, month, 1), "month", f"{year}-{month:02d}"
        return None
    if m := _YEAR.match(text):
        year = int(m.group(1))
        return (date(year, 1, 1), "year", str(year)) if 1900 <= year <= 2200 else None
    day = _parse_date(text)
    if day is None:
        return None
    if date_period == "year":
        return date(day.year, 1, 1), "year", str(day.year)
    if date_period == "quarter":
        quarter = (day.month - 1) // 3 + 1
        return date(day.year, 3 * quarter - 2, 1), "quarter", f"{day.year}-Q{quarter}"
    return date(day.year, day.month, 1), "month", f"{day.year}-{day.month:02d}"


def _parse_date(text: str) -> date | None:
    try:
        if m := _ISO_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _US_DATE.match(text):
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        if m := _COMPACT_DATE.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


def _register(con, name: str, table: pa.Table) -> None:
    con.execute(f"DROP TABLE IF EXISTS {name}")
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


# ---------------------------------------------------------------------------------------------
# Ingest


def _csv_sql(spec: IngestSpec) -> str:
    """The file as c0..cN, all text; structurally broken rows go to `csv_rejects`."""
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(spec.headers))) + "}"
    return f"""read_csv({_lit(str(spec.csv_path))},
            header = true, delim = {_lit(spec.delimiter)}, quote = '"', escape = '"',
            columns = {columns}, auto_detect = false, store_rejects = true,
            rejects_table = 'csv_rejects', rejects_scan = 'csv_scans', encoding = 'utf-8')"""


def _read_csv(con, sql: str) -> None:
    try:
        con.execute(sql)
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        raise IngestError(
            "The file could not be read as delimited text (mixed line endings, unbalanced "
            "quotes or a different delimiter in some rows). Export it again as CSV."
        ) from error


def _staged(con, spec: IngestSpec) -> tuple[str, str]:
    """(source, row id) of the rows `load` read, for `_long_rows_sql`."""
    if _in_memory(con):
        return IN_MEMORY, "rid"
    path = _lit(str(spec.work_dir / "source.parquet"))
    return f"read_parquet({path}, file_row_number = true)", "file_row_number"


# A file up to this size is parsed in memory by pyarrow's multithreaded reader, about three
# times faster than DuckDB's. The job's peak memory then grows with the file: 759 MiB for a
# 184 MiB file (2 M rows), 911 MiB for 245 MiB, against about 600 MiB staged. A larger file
# is staged as Parquet: memory stays flat however many rows it has.
IN_MEMORY_MAX_BYTES = 200 * 1024 * 1024
IN_MEMORY = "source_rows"
# Columns with a value per patient; every other column has few distinct values.
_PER_PATIENT = ("patient_id", "birth_date")


def _in_memory(con) -> bool:
    return bool(
        con.execute(
            f"SELECT count(*) FROM duckdb_views() WHERE view_name = {_lit(IN_MEMORY)}"
        ).fetchall()[0][0]
    )


def _plain(spec: IngestSpec, *, max_bytes: int | None) -> bool:
    """A file pyarrow reads as DuckDB would: no double quote anywhere (so a newline always
    ends a row), a one-character delimiter, a header line that is not blank, and at most
    `max_bytes` (None: any size). UTF-8 and the width of every row are pyarrow's own checks
    (`pa.ArrowInvalid`)."""
    size = spec.csv_path.stat().st_size
    if size == 0 or (max_bytes is not None and size > max_bytes):
        return False
    if len(spec.delimiter) != 1 or len(spec.headers) < 2:
        return False
    with spec.csv_path.open("rb", buffering=0) as handle:
        if not handle.readline().strip():
            return False
    return not any(window.find(b'"') != -1 for window in mapped_windows(spec.csv_path))


def _pyarrow_options(spec: IngestSpec, used: list[int], *, skip_rows: int, coded: bool):
    """pyarrow's read, parse and convert options for the mapped columns (`used`): every
    column as text; `coded`: dictionary-encoded but for those with a value per patient."""
    names = [f"c{i}" for i in range(len(spec.headers))]
    resolved = resolve_columns(spec.config, spec.headers)
    per_patient = {f"c{resolved[t]}" for t in _PER_PATIENT if t in resolved} if coded else names
    dictionary = pa.dictionary(pa.int32(), pa.string())
    return (
        pa_csv.ReadOptions(column_names=names, skip_rows=skip_rows),
        # A row of another width is an error here (DuckDB's reader reports it with its
        # line); a blank line is skipped, as DuckDB's reader skips it.
        pa_csv.ParseOptions(delimiter=spec.delimiter, quote_char=False),
        pa_csv.ConvertOptions(
            column_types={n: pa.string() if n in per_patient else dictionary for n in names},
            include_columns=[f"c{i}" for i in used],
            null_values=[""],  # as DuckDB reads an empty field: NULL, nothing else
            strings_can_be_null=True,
        ),
    )


def _read_in_memory(con, spec: IngestSpec, used: list[int]) -> int | None:
    """The common file (`_plain`, up to `IN_MEMORY_MAX_BYTES`), parsed by pyarrow into memory
    and registered as `IN_MEMORY` with its 0-based data row (`rid`). Returns data rows read;
    None for any other file, which is then staged."""
    if not _plain(spec, max_bytes=IN_MEMORY_MAX_BYTES):
        return None
    read, parse, convert = _pyarrow_options(spec, used, skip_rows=1, coded=True)
    try:
        table = pa_csv.read_csv(
            spec.csv_path, read_options=read, parse_options=parse, convert_options=convert
        )
    except pa.ArrowInvalid:  # a row of another width, a value that is not UTF-8
        return None
    rid = pa.array(np.arange(table.num_rows, dtype=np.int64))
    con.register(IN_MEMORY, table.append_column("rid", rid))
    con.execute("CREATE TABLE csv_rejects (line BIGINT, error_type VARCHAR)")
    return table.num_rows


# A plain file too large for memory is parsed in blocks of about this size, each cut at a
# line end (without quotes a newline always ends a row), and staged block after block.
STAGE_BLOCK_BYTES = 64 * 1024 * 1024
STAGE_ROW_GROUP = 122_880  # DuckDB's own row group size
# Text columns, not dictionary-typed ones (the writer still dictionary-encodes the pages):
# DuckDB scanned a file written from dictionary-typed columns 4 to 6 times slower.
STAGE_PARQUET = {
    "compression": "lz4",
    "data_page_version": "2.0",
    "write_statistics": False,  # no later pass filters on the staged text
    "store_schema": False,
}


class _NotPlain(Exception):
    """What pyarrow would read, but not as DuckDB's reader does."""


def _stage_plain(con, spec: IngestSpec, used: list[int], staged: Path) -> bool:
    """A plain file of any size (`_plain`) staged as `staged` by pyarrow: its multithreaded
    reader parses one block while the previous block is written (both release the GIL), so
    memory stays flat. The same rows in the same order as DuckDB's staging, about twice as
    fast. False (nothing staged) for any other file, which DuckDB's reader then stages."""
    if not _plain(spec, max_bytes=None):
        return False
    read, parse, convert = _pyarrow_options(spec, used, skip_rows=0, coded=False)
    size = spec.csv_path.stat().st_size
    writer = writing = None
    with (
        spec.csv_path.open("rb") as handle,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="stage-writer") as pool,
    ):
        try:
            handle.readline()  # the header
            done = handle.tell()
            while chunk := handle.read(STAGE_BLOCK_BYTES):
                # A block ends at its last line end; the next block is read from there.
                cut = chunk.rfind(b"\n") + 1 if len(chunk) == STAGE_BLOCK_BYTES else len(chunk)
                if not cut:
                    raise _NotPlain("one line longer than a block: DuckDB's reader reads it")
                writer, writing = _stage_block(
                    pool, writer, writing, memoryview(chunk)[:cut], staged, read, parse, convert
                )
                done += cut
                handle.seek(done)
                spec.progress("reading", percent=5 + 20 * done // size)
            if writing is not None:
                writing.result()
        except BaseException as error:
            if writing is not None:
                writing.exception()  # wait for it: the file is closed and removed next
            if writer is not None:
                writer.close()
            staged.unlink(missing_ok=True)
            if isinstance(error, (pa.ArrowInvalid, _NotPlain)):  # e.g. a row of another
                return False  # width, or text that is not UTF-8: DuckDB's reader reads it
            raise
    if writer is None:  # a header and blank lines only: no block held a row
        return False
    writer.close()
    con.execute("CREATE TABLE csv_rejects (line BIGINT, error_type VARCHAR)")
    return True


def _stage_block(pool, writer, writing, block: memoryview, staged: Path, read, parse, convert):
    """Parse one block, then hand it to the writer thread once the previous write is done.
    Returns the writer (opened with the first block's schema) and the pending write."""
    table = pa_csv.read_csv(
        pa.py_buffer(block), read_options=read, parse_options=parse, convert_options=convert
    )
    if writing is not None:
        writing.result()
    if writer is None:
        # Imported here: only a file too large for memory needs it, and every process that
        # loads the engine would pay its 0.02 s at start.
        import pyarrow.parquet as pa_pq

        writer = pa_pq.ParquetWriter(staged, table.schema, **STAGE_PARQUET)
    return writer, pool.submit(writer.write_table, table, row_group_size=STAGE_ROW_GROUP)


def _release_in_memory(con) -> None:
    """Free the parsed file once the rows are validated (they are in DuckDB's tables)."""
    if _in_memory(con):
        con.execute("DROP VIEW IF EXISTS long_rows")
        con.unregister(IN_MEMORY)


def load(con, spec: IngestSpec) -> int:
    """Read the file once. A file `_read_in_memory` takes stays in memory; any other is
    staged, its mapped columns (c<i>, all text) as Parquet in file order, by pyarrow in
    blocks (`_stage_plain`) or by DuckDB (a plain parallel `COPY` of the scan keeps
    insertion order), so `file_row_number` is the data row. Every later pass scans this
    file: compressed, dictionary-encoded columns scan faster than an in-memory table of text
    and keep memory flat at 10 M rows (a table would spill).
    Returns data rows read, including rows DuckDB rejected as structurally broken."""
    staged = spec.work_dir / "source.parquet"
    used = sorted(set(resolve_columns(spec.config, spec.headers).values())) or [0]
    rows = _read_in_memory(con, spec, used)
    if rows is not None:
        return rows
    if not _stage_plain(con, spec, used, staged):
        _stage_with_duckdb(con, spec, used, staged)
    invalid = "SELECT count(*) FROM csv_rejects WHERE error_type = 'INVALID ENCODING'"
    if spec.transcode is not None and con.execute(invalid).fetchall()[0][0]:
        # Not UTF-8 after all, past the sample the upload read: read a transcoded copy.
        spec.csv_path, spec.transcode = spec.transcode(), None
        con.execute("DROP TABLE csv_rejects")
        con.execute("DROP TABLE csv_scans")
        return load(con, spec)
    # Row numbers are in the staged file; later steps need no order and run in parallel.
    con.execute("SET preserve_insertion_order = false")
    loaded = con.execute(f"SELECT count(*) FROM read_parquet({_lit(str(staged))})").fetchall()[0][0]
    broken = con.execute("SELECT count(DISTINCT line) FROM csv_rejects").fetchall()[0][0]
    return loaded + broken


def _stage_with_duckdb(con, spec: IngestSpec, used: list[int], staged: Path) -> None:
    """Any file: DuckDB's reader stages it, with its strict quoting rules, the line of every
    structurally broken row (`csv_rejects`) and the encoding check."""
    con.execute("SET preserve_insertion_order = true")
    _read_csv(
        con,
        f"""COPY (SELECT {", ".join(f"c{i}" for i in used)} FROM {_csv_sql(spec)})
            TO {_lit(str(staged))} (FORMAT parquet, COMPRESSION lz4_raw)""",
    )


def _row_numbers(con) -> str:
    """SQL for the row number of staged row `s.rid`, accounting for rows DuckDB rejected."""
    broken = con.execute("SELECT count(*) FROM csv_rejects").fetchall()[0][0]
    if not broken:
        return "(s.rid + 2)"
    # Data row i sits after every rejected line r_j (j-th, 1-based) with r_j - j - 1 <= i.
    con.execute(
        """CREATE TABLE line_shift AS
           SELECT t, max(k) AS k FROM (
             SELECT line - row_number() OVER (ORDER BY line) - 1 AS t,
                    row_number() OVER (ORDER BY line) AS k
             FROM (SELECT DISTINCT line FROM csv_rejects)) GROUP BY t"""
    )
    return "(s.rid + 2 + coalesce((SELECT max(k) FROM line_shift WHERE t <= s.rid), 0))"


def _long_rows_sql(spec: IngestSpec, source: str, rid: str) -> str:
    """A relation with one row per patient x measure x period, columns named by target;
    `rid` is the 0-based data row (before any structurally broken row is counted)."""
    cols = resolve_columns(spec.config, spec.headers)
    plain = {t: i for t, i in cols.items() if not t.startswith(MEASURE_COLUMN_PREFIX)}

    def col(target: str) -> str:
        return f"c{plain[target]}" if target in plain else "NULL::VARCHAR"

    common = ["patient_id", "period", "exclusion", "age", "birth_date", "site", *MAPPED_FAMILIES]
    common += [f"{n}_{k}" for n in SOCIAL_NEEDS for k in ("screened", "positive")]
    common_sql = ", ".join(f"{col(t)} AS {t}" for t in common)
    if spec.config.get("format") != WIDE:
        return (
            f"SELECT {rid} AS rid, {common_sql}, {col('measure')} AS measure, "
            f"{col('numerator')} AS numerator, {col('denominator')} AS denominator "
            f"FROM {source}"
        )
    measure_cols = {i: t[len(MEASURE_COLUMN_PREFIX) :] for t, i in cols.items() if t not in plain}
    renamed = ", ".join(f"c{i} AS {_ident('m_' + str(i))}" for i in measure_cols)
    on = ", ".join(_ident("m_" + str(i)) for i in measure_cols)
    cases = " ".join(f"WHEN {_lit('m_' + str(i))} THEN {_lit(c)}" for i, c in measure_cols.items())
    common_names = ", ".join(common)
    return f"""SELECT rid, {common_names}, CASE mcol {cases} END AS measure,
                      numerator, NULL::VARCHAR AS denominator
               FROM (UNPIVOT (SELECT {rid} AS rid, {common_sql}, {renamed} FROM {source})
                     ON {on} INTO NAME mcol VALUE numerator)"""


def _flag_sql(expr: str) -> str:
    """0/1 from yes/no words; NULL when empty; -1 when unrecognized."""
    trues = ", ".join(_lit(w) for w in TRUE_WORDS)
    falses = ", ".join(_lit(w) for w in FALSE_WORDS)
    low = f"lower(trim({expr}))"
    return (
        f"CASE WHEN {expr} IS NULL OR trim({expr}) = '' THEN NULL "
        f"WHEN {low} IN ({trues}) THEN 1 WHEN {low} IN ({falses}) THEN 0 ELSE -1 END"
    )


def _count_sql(expr: str) -> str:
    """A non-negative whole number (yes/no words count as 1/0), or -1. Fast path for 0/1; a
    regex for the rest (a cast alone would round 4.5 into 5)."""
    t = f"trim({expr})"
    words = "lower(" + t + ")"
    trues = ", ".join(_lit(w) for w in TRUE_WORDS)
    falses = ", ".join(_lit(w) for w in FALSE_WORDS)
    return (
        f"CASE WHEN {expr} = '1' THEN 1 WHEN {expr} = '0' THEN 0 "
        f"WHEN {words} IN ({trues}) THEN 1 WHEN {words} IN ({falses}) THEN 0 "
        f"WHEN regexp_full_match({t}, '[0-9]{{1,15}}(\\.0+)?') "
        f"THEN CAST(split_part({t}, '.', 1) AS BIGINT) ELSE -1 END"
    )


def _distinct_values(con, columns: list[str], source: str = "long_rows") -> dict[str, list]:
    """The distinct non-null values of each column, in one scan (GROUPING SETS)."""
    names = ", ".join(columns)
    rows = con.execute(
        f"""SELECT GROUPING({names}), {names} FROM {source}
            GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in columns)})"""
    ).fetchall()
    width = len(columns)
    found: dict[str, list] = {c: [] for c in columns}
    for row in rows:
        for i, column in enumerate(columns):
            if not row[0] & (1 << (width - 1 - i)):
                if row[1 + i] is not None:
                    found[column].append(row[1 + i])
                break
    return found


def _enum_type(con, name: str, values: list[str]) -> None:
    """ENUM type `name` over `values` (distinct, any number, none NULL)."""
    _register(con, f"{name}_values", pa.table({"v": pa.array(sorted(values), pa.string())}))
    con.execute(f"CREATE TYPE {name} AS ENUM (SELECT v FROM {name}_values)")
    con.execute(f"DROP TABLE {name}_values")


def _pseudonymize_distinct(con, spec: IngestSpec, raws: list[str]) -> None:
    """pid_map(raw, pid, pnum): each distinct identifier hashed once (HMAC-SHA256, org key),
    in batches with the key's hash states reused. `pnum` is a surrogate integer the later
    steps group and join on (cheaper than 64 hex characters); only the Parquet writer swaps it
    for the pseudonym."""
    con.execute("CREATE TABLE pid_map (raw VARCHAR, pid VARCHAR, pnum BIGINT, blank BOOLEAN)")
    for done in range(0, len(raws), HASH_BATCH):
        batch = raws[done : done + HASH_BATCH]
        hashed = pa.table(
            {
                "raw": pa.array(batch, pa.string()),
                "pid": pa.array(pseudonymize_many(batch, spec.key), pa.string()),
                "pnum": pa.array(range(done, done + len(batch)), pa.int64()),
            }
        )
        con.register("pid_batch", hashed)
        con.execute("INSERT INTO pid_map SELECT raw, pid, pnum, trim(raw) = '' FROM pid_batch")
        con.unregister("pid_batch")


def _measure_map(con, spec: IngestSpec, raws: list[str]) -> list[str]:
    """measure_map(raw, code, status); returns the undefined measure values."""
    codes, statuses, undefined = [], [], []
    for raw in raws:
        key = normalize_key(raw)
        if not key:
            codes.append(None)
            statuses.append("missing")
        elif key in spec.measure_aliases:
            codes.append(spec.measure_aliases[key])
            statuses.append("ok")
        elif key in spec.rejected_measures:
            codes.append(None)
            statuses.append("skip")
        else:
            codes.append(None)
            statuses.append("undefined")
            undefined.append(raw.strip())
    _register(
        con,
        "measure_map",
        pa.table(
            {
                "raw": pa.array(raws, pa.string()),
                "code": pa.array(codes, pa.string()),
                "status": pa.array(statuses, pa.string()),
            }
        ),
    )
    # A small integer per measure code (duplicate checks group on it).
    con.execute(
        """CREATE OR REPLACE TABLE measure_map AS
           SELECT m.*, i.id FROM measure_map m
           LEFT JOIN (SELECT code, (row_number() OVER (ORDER BY code) - 1)::INTEGER AS id
                      FROM (SELECT DISTINCT code FROM measure_map WHERE code IS NOT NULL)) i
           USING (code)"""
    )
    return sorted(set(undefined), key=str.lower)


def _period_map(con, spec: IngestSpec, raws: list[str]) -> None:
    date_period = spec.config.get("date_period", "month")
    parsed = [parse_period(r, date_period) for r in raws]
    _register(
        con,
        "period_map",
        pa.table(
            {
                "raw": pa.array(raws, pa.string()),
                "period_start": pa.array([p[0] if p else None for p in parsed], pa.date32()),
                "granularity": pa.array([p[1] if p else None for p in parsed], pa.string()),
                "period_label": pa.array([p[2] if p else None for p in parsed], pa.string()),
            }
        ),
    )
    con.execute("ALTER TABLE period_map ADD COLUMN blank BOOLEAN")
    con.execute("UPDATE period_map SET blank = trim(raw) = ''")


def _birth_map(con, raws: list[str]) -> None:
    _register(
        con,
        "birth_map",
        pa.table(
            {
                "raw": pa.array(raws, pa.string()),
                "birth": pa.array([_parse_date(r.strip().lower()) for r in raws], pa.date32()),
            }
        ),
    )
    con.execute("ALTER TABLE birth_map ADD COLUMN given BOOLEAN")
    con.execute("UPDATE birth_map SET given = trim(raw) <> ''")


def _age_band_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}-{high}"


def _age_band_sql(age: str) -> str:
    parts = []
    for low, high in AGE_BANDS:
        if high is None:
            parts.append(f"WHEN {age} >= {low} THEN '{_age_band_label(low, high)}'")
        else:
            parts.append(f"WHEN {age} <= {high} THEN '{_age_band_label(low, high)}'")
    return f"CASE WHEN {age} IS NULL THEN '{UNKNOWN}' {' '.join(parts)} END"


def _screening(spec: IngestSpec) -> list[tuple[str, str]]:
    cols = resolve_columns(spec.config, spec.headers)
    return [(n, k) for n in SOCIAL_NEEDS for k in ("screened", "positive") if f"{n}_{k}" in cols]


def _age_given_sql(expr: str) -> str:
    return (
        f"CASE WHEN {expr} IS NULL OR trim({expr}) = '' THEN NULL "
        f"WHEN regexp_full_match(trim({expr}), '[0-9]{{1,3}}') THEN CAST(trim({expr}) AS INTEGER) "
        "ELSE -1 END"
    )


# Columns parsed once per distinct value (table `parse_<column>(raw, val)`), not per row.
def _parsers(spec: IngestSpec) -> dict[str, str]:
    """{long-rows column: SQL of its parsed value from `raw`} for the columns present."""
    cols = resolve_columns(spec.config, spec.headers)
    wide = spec.config.get("format") == WIDE
    parsers = {
        "numerator": _count_sql("raw"),
        "site": f"coalesce(nullif(trim(raw), ''), '{UNKNOWN}')",
    }
    if not wide and "denominator" in cols:
        parsers["denominator"] = f"CASE WHEN trim(raw) = '' THEN 1 ELSE {_count_sql('raw')} END"
    if "exclusion" in cols:
        parsers["exclusion"] = _flag_sql("raw")
    if "age" in cols:
        parsers["age"] = _age_given_sql("raw")
    for n, k in _screening(spec):
        parsers[f"{n}_{k}"] = _flag_sql("raw")
    return parsers


def _parse_maps(con, spec: IngestSpec, values: dict[str, list]) -> None:
    for column, sql in _parsers(spec).items():
        raws = pa.table({"raw": pa.array(values.get(column, []), pa.string())})
        con.register("parse_arrow", raws)
        con.execute(
            f"""CREATE OR REPLACE TABLE parse_{column} AS
                SELECT raw, {sql} AS val, trim(raw) = '' AS blank FROM parse_arrow"""
        )
        con.unregister("parse_arrow")


def _base_sql(spec: IngestSpec, line_sql: str, source: str) -> str:
    """Every row of `source` (long rows `s`), validated by rules 1-12 (err NULL when
    accepted; duplicates are found afterwards), pseudonymized (`pnum`). Per row only joins
    on small tables of parsed distinct values and integer comparisons.
    Needs `pid_map`, `measure_map`, `period_map`, the `parse_<column>` tables and, with a
    birth date column, `birth_map`."""
    cols = resolve_columns(spec.config, spec.headers)
    parsers = _parsers(spec)
    screening = _screening(spec)

    def parsed(column: str, default: str = "NULL") -> str:
        return f"{column}_p.val" if column in parsers else default

    joins = "\n".join(f"LEFT JOIN parse_{c} {c}_p ON {c}_p.raw = s.{c}" for c in parsers)
    flags = "".join(f", {parsed(f'{n}_{k}')} AS {n}_{k}" for n, k in screening)
    screening_bad = " OR ".join(f"{n}_{k} = -1" for n, k in screening) or "false"
    has_birth = "birth_date" in cols
    birth_join = "LEFT JOIN birth_map b ON b.raw = s.birth_date" if has_birth else ""
    birth_sel = "b.birth" if has_birth else "NULL::DATE"
    birth_given = "coalesce(b.given, false)" if has_birth else "false"
    stage = f"""SELECT {line_sql} AS line, p.pnum, m.id AS mid,
               m.code AS measure, m.status AS measure_status,
               pm.period_start, pm.granularity, pm.period_label,
               p.pnum IS NULL OR p.blank AS no_pid,
               pm.blank IS NULL OR pm.blank AS no_period,
               numerator_p.blank IS NULL OR numerator_p.blank AS no_numerator,
               s.period AS period_raw, s.numerator AS num_raw, s.denominator AS den_raw,
               s.exclusion AS excl_raw,
               numerator_p.val AS numerator,
               {parsed("denominator", "1")} AS denominator,
               {parsed("exclusion")} AS excluded,
               {parsed("age", "NULL::INTEGER")} AS age_given, {birth_sel} AS birth,
               {birth_given} AS birth_given,
               s.race, s.ethnicity, s.language, s.sex, s.payer,
               coalesce({parsed("site")}, '{UNKNOWN}') AS site {flags}
        FROM {source} s
        LEFT JOIN pid_map p ON p.raw = s.patient_id
        LEFT JOIN measure_map m ON m.raw = s.measure
        LEFT JOIN period_map pm ON pm.raw = s.period
        {joins}
        {birth_join}"""
    age_from_birth = "date_sub('year', birth, period_start)"
    return f"""SELECT line, pnum, mid, measure, measure_status,
               period_start, granularity, period_label,
               numerator, coalesce(denominator, 1) AS denominator,
               coalesce(excluded, 0) = 1 AS excluded,
               race, ethnicity, language, sex, payer, site,
               {_age_band_sql("coalesce(age_given, " + age_from_birth + ")")} AS age_band
               {"".join(f", {n}_{k}" for n, k in screening)},
               CASE WHEN no_pid THEN 1
                    WHEN measure_status IS NULL OR measure_status = 'missing' THEN 2
                    WHEN no_period THEN 3
                    WHEN no_numerator THEN 4
                    WHEN period_start IS NULL THEN 5
                    WHEN numerator < 0 THEN 6
                    WHEN denominator < 0 THEN 7
                    WHEN numerator > denominator THEN 8
                    WHEN excluded = -1 THEN 9
                    WHEN age_given < 0 OR age_given > 120 THEN 10
                    WHEN birth_given AND (birth IS NULL OR {age_from_birth} < 0
                         OR {age_from_birth} > 120) THEN 11
                    WHEN {screening_bad} THEN 12
               END AS err,
               coalesce(measure_status = 'skip', false) AS skipped,
               CASE WHEN no_pid THEN NULL
                    WHEN period_start IS NULL THEN period_raw
                    WHEN numerator < 0 OR numerator > denominator THEN num_raw
                    WHEN denominator < 0 THEN den_raw
                    WHEN excluded = -1 THEN excl_raw
               END AS shown_value
        FROM ({stage})"""


def build_base(con, spec: IngestSpec) -> None:
    """Table `base`: every row, validated by rules 1-12 (err NULL when accepted),
    pseudonymized (`pnum`), for the report with row numbers."""
    line_sql = _row_numbers(con)
    con.execute(f"CREATE TABLE base AS {_base_sql(spec, line_sql, 'long_rows')}")


def _mark_duplicates(con) -> None:
    """Rule 13: every accepted row after the first of its patient x measure x period."""
    con.execute(
        """CREATE TABLE dups AS
           SELECT pnum, measure, period_start, granularity, min(line) AS first_line
           FROM base WHERE err IS NULL AND NOT skipped
           GROUP BY ALL HAVING count(*) > 1"""
    )
    if con.execute("SELECT count(*) FROM dups").fetchall()[0][0]:
        con.execute(
            """UPDATE base SET err = 13, shown_value = 'duplicate of row ' || d.first_line
               FROM dups d
               WHERE base.err IS NULL AND NOT base.skipped AND base.pnum = d.pnum
                 AND base.measure = d.measure AND base.period_start = d.period_start
                 AND base.granularity = d.granularity AND base.line <> d.first_line"""
        )


def _rejects(con, spec: IngestSpec, result: IngestResult) -> None:
    rules = pa.table(
        {
            "err": list(RULES),
            "field": [f for f, _ in RULES.values()],
            "reason": [r for _, r in RULES.values()],
        }
    )
    _register(con, "rules", rules)
    structural = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}" for k, v in STRUCTURAL.items())
    con.execute(
        f"""CREATE TABLE rejects AS
        SELECT b.line AS "row", r.field, r.reason,
               CASE WHEN b.err IN ({", ".join(str(k) for k in (*SHOWN_VALUE, 13))})
                    THEN left(b.shown_value, 100) END AS value
        FROM base b JOIN rules r ON r.err = b.err WHERE NOT b.skipped
        UNION ALL
        SELECT min(line), 'row', coalesce(CASE any_value(error_type) {structural} END,
               'the row could not be read'), NULL
        FROM csv_rejects GROUP BY line"""
    )
    result.rows_rejected = con.execute("SELECT count(*) FROM rejects").fetchall()[0][0]
    result.reject_reasons = {
        reason: count
        for reason, count in con.execute(
            "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC"
        ).fetchall()
    }
    result.reject_sample = [
        {"row": r, "field": f, "reason": why, "value": v}
        for r, f, why, v in con.execute(
            f'SELECT * FROM rejects ORDER BY "row" LIMIT {SAMPLE_SIZE}'
        ).fetchall()
    ]
    result.rejects_csv = spec.work_dir / "rejects.csv"
    con.execute(
        f"""COPY (SELECT * FROM rejects ORDER BY "row") TO {_lit(str(result.rejects_csv))}
            (HEADER, DELIMITER ',')"""
    )


def _validate_in_one_pass(con, spec: IngestSpec, result: IngestResult) -> bool:
    """The common case: every row validated from the staged file in one pass.

    One parallel pass over the staged file validates every row into table `checked`, and
    counts rejected and duplicate rows from it. When every row is accepted, `checked` becomes
    the normalized rows (`normalize`); otherwise (rejected, duplicate or skipped rows, broken
    lines) this returns False and the full path materializes `base` for the report.
    """
    if con.execute("SELECT count(*) FROM csv_rejects").fetchall()[0][0]:
        return False
    if con.execute("SELECT count(*) FROM measure_map WHERE status = 'skip'").fetchall()[0][0]:
        return False
    screening = [f"{n}_{k}" for n, k in _screening(spec)]
    # The one pass materializes every row, typed as the normalized rows are (`_typed`): when
    # all are accepted, this table is the normalized rows, and nothing evaluates the rules or
    # the joins again.
    con.execute(
        f"""CREATE TABLE checked AS
            SELECT {_typed(NORMALIZED_COLUMNS.replace("pid", "pnum"))}, mid, err
                   {"".join(f", {c}" for c in screening)}
            FROM ({_base_sql(spec, "(s.rid + 2)", "long_rows")})"""
    )
    flags, parts, _ = _needs_parts(set(screening))
    if parts:
        # The same pass groups the per-patient-period social-needs flags (table `needs`,
        # kept only if every row is accepted); a patient-period with fewer distinct
        # measures than rows holds a duplicate.
        measures = con.execute("SELECT count(DISTINCT id) FROM measure_map").fetchall()[0][0]
        # Distinct measures of a patient-period: a bit per measure when they fit in 63 bits.
        distinct_measures = (
            "bit_count(bit_or(1::BIGINT << mid))" if measures <= 63 else "count(DISTINCT mid)"
        )
        con.execute(
            f"""CREATE TABLE needs AS
                SELECT min(line) AS line, pnum, period_start, granularity, period_label,
                       {", ".join(f"any_value({c}) AS {c}" for c in NEEDS_KEEP.split(", "))},
                       {", ".join(flags)}, count(*) AS n_rows,
                       count(*) FILTER (WHERE err IS NULL) AS n_ok,
                       count(*) FILTER (WHERE err IS NULL AND excluded) AS n_excluded,
                       {distinct_measures} AS n_measures
                FROM checked GROUP BY pnum, period_start, granularity, period_label"""
        )
        check = "SELECT sum(n_rows), sum(n_ok), sum(n_excluded), sum(n_measures) FROM needs"
    else:
        # Equal keys hash equally, so no duplicate goes unseen; a hash collision only sends
        # the extract down the full path, which checks the keys themselves.
        check = """SELECT count(*), count(*) FILTER (WHERE err IS NULL),
                          count(*) FILTER (WHERE err IS NULL AND excluded),
                          count(DISTINCT hash(pnum, mid, period_start, granularity))
                   FROM checked"""
    total, ok, excluded, distinct = con.execute(check).fetchall()[0]
    if ok != total or distinct != total:
        con.execute("DROP TABLE checked")
        con.execute("DROP TABLE IF EXISTS needs")
        return False
    result.rows_accepted, result.rows_excluded = ok, excluded
    result.rejects_csv = spec.work_dir / "rejects.csv"
    con.execute(
        f"""COPY (SELECT NULL::BIGINT AS "row", NULL::VARCHAR AS field,
                         NULL::VARCHAR AS reason, NULL::VARCHAR AS value WHERE false)
            TO {_lit(str(result.rejects_csv))} (HEADER, DELIMITER ',')"""
    )
    return True


def validate(con, spec: IngestSpec) -> IngestResult:
    """Read the file once, check measures, pseudonymize and validate. Stops early (with
    `undefined_measures`) when the extract uses measures the organization has not defined."""
    result = IngestResult()
    spec.progress("reading", percent=5)
    with timings.phase("job: read file into duckdb"):
        result.rows_read = load(con, spec)
    spec.progress("reading", rows_done=result.rows_read, rows_total=result.rows_read, percent=25)
    if result.rows_read == 0:
        raise IngestError("The file has a header but no data rows.")
    con.execute(f"CREATE VIEW long_rows AS {_long_rows_sql(spec, *_staged(con, spec))}")
    has_birth = "birth_date" in resolve_columns(spec.config, spec.headers)
    with timings.phase("job: distinct values, measure and period maps"):
        values = _distinct_values(
            con,
            [
                "measure",
                "period",
                "patient_id",
                *(["birth_date"] if has_birth else []),
                *_parsers(spec),
                *MAPPED_FAMILIES,
            ],
        )
        result.undefined_measures = _measure_map(con, spec, values["measure"])
        if result.undefined_measures:
            return result
        _period_map(con, spec, values["period"])
        if has_birth:
            _birth_map(con, values["birth_date"])
        _parse_maps(con, spec, values)
        _normalized_types(con, spec, {f: values.pop(f) for f in MAPPED_FAMILIES})
    spec.progress("validating", rows_done=result.rows_read, percent=35)
    with timings.phase("job: pseudonymize (hmac)"):
        _pseudonymize_distinct(con, spec, values.pop("patient_id"))
    spec.progress("validating", rows_done=result.rows_read, percent=50)
    with timings.phase("job: validate"):
        if not _validate_in_one_pass(con, spec, result):
            _validate_fully(con, spec, result)
    _release_in_memory(con)
    spec.progress("validating", rows_done=result.rows_read, percent=60)
    return result


def _validate_fully(con, spec: IngestSpec, result: IngestResult) -> None:
    """Every row into table `base` with its verdict, for the report with row numbers."""
    build_base(con, spec)
    con.execute("DROP VIEW long_rows")
    _mark_duplicates(con)
    _rejects(con, spec, result)
    counts = con.execute(
        """SELECT count(*) FILTER (WHERE err IS NULL AND NOT skipped),
                  count(*) FILTER (WHERE err IS NULL AND NOT skipped AND excluded),
                  count(*) FILTER (WHERE skipped)
           FROM base"""
    ).fetchall()[0]
    result.rows_accepted, result.rows_excluded, result.rows_skipped = counts


NEEDS_KEEP = "race, ethnicity, language, sex, payer, site, age_band"


def _needs_parts(columns: set[str]) -> tuple[list[str], list[str], list[str]]:
    """For the flag columns present (`food_screened`, ...): the per-patient-period aggregates
    (`food_s`, `food_p`), one derived-row SELECT over table `needs` per derived measure, and
    the codes those measures may have."""
    keep = NEEDS_KEEP
    flags, parts, codes = [], [], []
    for need in SOCIAL_NEEDS:
        scr, pos = f"{need}_screened", f"{need}_positive"
        if scr not in columns and pos not in columns:
            continue
        screened = (
            f"coalesce({scr}, 0)"
            if scr in columns
            else f"CASE WHEN {pos} IS NULL THEN 0 ELSE 1 END"
        )
        flags.append(f"max({screened}) AS {need}_s")
        codes.append(f"sdoh_{need}_screening")
        parts.append(
            f"""SELECT line, pnum, 'sdoh_{need}_screening' AS measure, period_start, granularity,
                   period_label, {need}_s AS numerator, 1 AS denominator, false AS excluded,
                   {keep} FROM needs"""
        )
        if pos in columns:
            flags.append(f"max(coalesce({pos}, 0)) AS {need}_p")
            codes.append(f"sdoh_{need}_positive")
            parts.append(
                f"""SELECT line, pnum, 'sdoh_{need}_positive' AS measure, period_start,
                       granularity, period_label, {need}_p AS numerator, 1 AS denominator,
                       false AS excluded, {keep} FROM needs WHERE {need}_s = 1"""
            )
    return flags, parts, codes


def _screening_rows_sql(con, accepted: str) -> str:
    """Derived social-needs measures, one row per patient x period: screening rate
    (screened / patients) and positive rate (positive / screened). Materializes the
    per-patient-period flags of every need in one GROUP BY (table `needs`)."""
    columns = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {accepted}").fetchall()}
    keep = NEEDS_KEEP
    flags, parts, _ = _needs_parts(columns)
    if not parts:
        return ""
    grouped = "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'needs'"
    if con.execute(grouped).fetchall()[0][0]:
        return " UNION ALL ".join(parts)  # grouped by the one-pass check
    con.execute(
        f"""CREATE OR REPLACE TABLE needs AS
            SELECT min(line) AS line, pnum, period_start, granularity, period_label,
                   {", ".join(f"any_value({c}) AS {c}" for c in keep.split(", "))},
                   {", ".join(flags)}
            FROM {accepted} GROUP BY pnum, period_start, granularity, period_label"""
    )
    return " UNION ALL ".join(parts)


NORMALIZED_COLUMNS = (
    "line, pid, measure, period_start, granularity, period_label, numerator, denominator, "
    "excluded, race, ethnicity, language, sex, payer, site, age_band"
)


def _qualified_columns() -> str:
    return NORMALIZED_COLUMNS.replace("pid", "p.pid").replace("line", "r.line", 1)


def normalize(con) -> list[str]:
    """Table `normalized`: the accepted normalized rows (pseudonymized as `pnum`; raw
    demographic text kept for re-stratification; no birth date; text columns as ENUMs, see
    `_normalized_types`) and the derived screening rows. The job's aggregations read it
    through `NORMALIZED` and the Parquet writer, on its own cursor, from it (not TEMP: the
    in-memory database is this job's alone either way). Returns the codes of the derived
    measures present."""
    one_pass = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'checked'"
    ).fetchall()[0][0]
    # After the one-pass check every row of `checked` is accepted and already typed.
    accepted = "checked" if one_pass else "(SELECT * FROM base WHERE err IS NULL AND NOT skipped)"
    derived = _screening_rows_sql(con, accepted)
    columns = NORMALIZED_COLUMNS.replace("pid", "pnum")
    if one_pass:
        con.execute("ALTER TABLE checked RENAME TO normalized")
    else:
        con.execute(f"CREATE TABLE normalized AS SELECT {_typed(columns)} FROM {accepted}")
    codes = []
    if derived:
        con.execute(f"INSERT INTO normalized ({columns}) SELECT {columns} FROM ({derived})")
        codes = [r[0] for r in con.execute(f"SELECT DISTINCT measure FROM ({derived})").fetchall()]
    return codes


# The raw demographic columns' ENUM types; the value maps join on them (`map_values`).
RAW_TYPES = {family: f"raw_{family}" for family in MAPPED_FAMILIES}
# Each text column of the normalized rows as an ENUM over its few values (`_normalized_types`).
_TYPES = {
    "measure": "norm_measure",
    "granularity": "norm_granularity",
    "period_label": "norm_period_label",
    "site": "norm_site",
    "age_band": "norm_age_band",
    **RAW_TYPES,
}


def _typed(columns: str) -> str:
    return ", ".join(f"{c}::{_TYPES[c]} AS {c}" if c in _TYPES else c for c in columns.split(", "))


def _normalized_types(con, spec: IngestSpec, raw_values: dict[str, list[str]]) -> None:
    """The ENUM types of the normalized rows' text columns, from the small tables of parsed
    distinct values (and the raw demographic values the distinct-values scan found). Grouping,
    joining and writing Parquet dictionaries then work on small integers, not text, and the
    file still holds the text."""
    for family, values in raw_values.items():
        _enum_type(con, RAW_TYPES[family], values)
    _, _, derived = _needs_parts({f"{n}_{k}" for n, k in _screening(spec)})
    con.execute(
        f"CREATE TYPE {_TYPES['measure']} AS ENUM (SELECT DISTINCT code FROM (SELECT code FROM "
        f"measure_map UNION ALL SELECT unnest({_text_list(derived)})) WHERE code IS NOT NULL)"
    )
    for column in ("granularity", "period_label"):
        con.execute(
            f"CREATE TYPE {_TYPES[column]} AS ENUM (SELECT DISTINCT {column} FROM period_map "
            f"WHERE {column} IS NOT NULL)"
        )
    con.execute(
        f"CREATE TYPE {_TYPES['site']} AS ENUM (SELECT DISTINCT val FROM (SELECT val "
        f"FROM parse_site UNION ALL SELECT '{UNKNOWN}') WHERE val IS NOT NULL)"
    )
    bands = [_age_band_label(low, high) for low, high in AGE_BANDS]
    labels = ", ".join(_lit(label) for label in [*bands, UNKNOWN])
    con.execute(f"CREATE TYPE {_TYPES['age_band']} AS ENUM ({labels})")


def _text_list(values: list[str]) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]::VARCHAR[]"


# The normalized rows before they are written: the pseudonym's number stands for the pseudonym
# (one to one), so distinct patients count the same.
NORMALIZED = f"(SELECT {NORMALIZED_COLUMNS.replace('pid', 'pnum AS pid')} FROM normalized)"


def write_parquet(con, parquet_path: Path) -> None:
    """Write the view `normalized` (see `normalize`) once, with DuckDB's writer, under a
    temporary name renamed into place when complete."""
    select = f"SELECT {_qualified_columns()} FROM normalized r JOIN pid_map p ON p.pnum = r.pnum"
    parquet_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = parquet_path.with_suffix(".parquet.tmp")
    con.execute(f"COPY ({select}) TO {_lit(str(tmp))} (FORMAT parquet, COMPRESSION {CODEC})")
    tmp.replace(parquet_path)


# Up to this many rows one DuckDB thread writes the normalized file in about the time the
# job's Python takes after the aggregations (about 1 M rows/s against 2 s). Measured: 2 M
# rows, one thread: the store-protect-publish-wait tail 2.41 s against 2.77 s with two; 10 M
# rows, two threads: the job 33.8 s against 38.7 s with one (which then waited 7.6 s).
ALONGSIDE_ONE_THREAD_ROWS = 3_000_000


class ParquetWriter:
    """`write_parquet` on its own DuckDB cursor in a background thread, started once the
    job's aggregations are done: the file is written while the job stores, protects and
    publishes the counts in Python. `wait()` joins it and raises what it raised; call it
    before committing anything that names the file."""

    def __init__(self, con, parquet_path: Path):
        self._con = con
        self._cursor = con.cursor()
        self._path = parquet_path
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="parquet-writer", daemon=True)

    def start(self, rows: int) -> "ParquetWriter":
        # One worker thread, the other core running the Python that follows, unless the
        # file is too large to be written in that time (`ALONGSIDE_ONE_THREAD_ROWS`).
        threads = 1 if rows <= ALONGSIDE_ONE_THREAD_ROWS else THREADS
        self._cursor.execute(f"SET threads = {threads}")
        self._thread.start()
        return self

    def _run(self) -> None:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            write_parquet(self._cursor, self._path)
        except BaseException as error:  # noqa: BLE001 - re-raised by wait()
            self._error = error
            self._path.with_suffix(".parquet.tmp").unlink(missing_ok=True)
        finally:
            timings.record(
                "job: write parquet (alongside)",
                time.perf_counter() - started,
                time.thread_time() - cpu,
            )

    def wait(self) -> None:
        if self._thread.is_alive():
            # The Python is done: the write may use every core for what is left of it.
            self._con.execute(f"SET threads = {THREADS}")
            self._thread.join()
        self._cursor.close()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def wait_quietly(self) -> None:
        """After the job failed: stop the write, if it still runs, before the connection
        closes; what it raised no longer matters."""
        if self._thread.is_alive():
            self._cursor.interrupt()
            self._thread.join()
        self._error = None
        self._cursor.close()


# ---------------------------------------------------------------------------------------------
# Stratification (also used by re-stratify, straight from the Parquet file)


@dataclass
class ValueCodes:
    """The organization's value maps applied to one source: every mapped family's source
    values joined as small tables `vm_<family>` (raw text -> integer code), the labels of
    the codes, and what the source holds. Codes follow the labels' alphabetical order, so
    the smallest code of a set of categories is the first by name. This is the one place
    race, ethnicity and language values are mapped (stratification and data quality)."""

    labels: list[str]
    code_of: dict[str, int]
    values: dict[str, list[tuple]]  # scanned column -> [(value, rows)]
    unmapped: dict[str, dict[str, int]]

    def code(self, label: str) -> int:
        return self.code_of[label]

    def mapped_sql(self, source: str, *, columns: str, where: str = "TRUE") -> str:
        """SELECT `columns` (from `n`, the source) plus race, ethnicity, race_ethnicity,
        language, sex and payer as codes. Unmapped and empty values are Unknown; ethnicity
        falls back to Hispanic or Latino when race says so."""
        unknown, hispanic = self.code(UNKNOWN), self.code(HISPANIC)
        declined = self.code(DECLINED)
        race = f"coalesce(vr.code, {unknown})"
        eth = f"coalesce(ve.code, CASE WHEN {race} = {hispanic} THEN {hispanic} ELSE {unknown} END)"
        return f"""SELECT {columns},
                    {race} AS race, {eth} AS ethnicity,
                    CASE WHEN {eth} = {hispanic} THEN {hispanic}
                         WHEN {race} = {unknown} AND {eth} = {declined} THEN {declined}
                         ELSE {race} END AS race_ethnicity,
                    coalesce(vl.code, {unknown}) AS language,
                    coalesce(vs.code, {unknown}) AS sex,
                    coalesce(vp.code, {unknown}) AS payer
             FROM {source} n
             LEFT JOIN vm_race vr ON vr.raw = n.race
             LEFT JOIN vm_ethnicity ve ON ve.raw = n.ethnicity
             LEFT JOIN vm_language vl ON vl.raw = n.language
             LEFT JOIN vm_sex vs ON vs.raw = n.sex
             LEFT JOIN vm_payer vp ON vp.raw = n.payer
             WHERE {where}"""


def map_values(
    con,
    *,
    source: str,
    value_maps: dict[str, dict[str, str]],
    raw_types: dict[str, str] | None = None,
) -> ValueCodes:
    """One scan counts every mapped family's source values (and whether site and age band
    are known), then registers the value-map tables. Unmapped (non-empty, unknown) source
    values are counted per family. `raw_types`: the source's ENUM type of a family's column
    (`RAW_TYPES` for `NORMALIZED`), so that the value map joins on it, not on text."""
    counted = (*MAPPED_FAMILIES, "site_known", "age_known")
    scanned = con.execute(
        f"""SELECT GROUPING({", ".join(counted)}), {", ".join(counted)}, count(*)
            FROM (SELECT {", ".join(MAPPED_FAMILIES)}, site <> '{UNKNOWN}' AS site_known,
                         age_band <> '{UNKNOWN}' AS age_known FROM {source})
            GROUP BY GROUPING SETS ({", ".join(f"({c})" for c in counted)})"""
    ).fetchall()
    everything = (1 << len(counted)) - 1
    values = {
        name: [
            (row[1 + i], row[-1])
            for row in scanned
            if row[0] == everything ^ (1 << (len(counted) - 1 - i)) and row[1 + i] is not None
        ]
        for i, name in enumerate(counted)
    }
    unmapped: dict[str, dict[str, int]] = {}
    targets: dict[str, list[tuple[str, str]]] = {}
    for family in MAPPED_FAMILIES:
        mapping = value_maps.get(family, {})
        pairs = targets.setdefault(family, [])
        for raw, count in values[family]:
            key = normalize_key(raw)
            if not key:
                continue
            target = mapping.get(key)
            if target is None:
                shown = raw.strip()
                unmapped.setdefault(family, {})
                unmapped[family][shown] = unmapped[family].get(shown, 0) + count
            else:
                pairs.append((raw, target))
    # Every group label gets a small integer code: GROUPING SETS hash integers, not text,
    # and the labels come back in Python on the small result.
    labels = sorted({UNKNOWN, HISPANIC, DECLINED} | {t for p in targets.values() for _, t in p})
    code_of = {label: i for i, label in enumerate(labels)}
    for family, pairs in targets.items():
        table = pa.table(
            {"raw": [raw for raw, _ in pairs], "code": [code_of[t] for _, t in pairs]},
            schema=_VM,
        )
        _register(con, f"vm_{family}", table)
        if raw_types and family in raw_types:
            # Every raw value here was read from the source, so it is one of the type's.
            con.execute(
                f"CREATE OR REPLACE TABLE vm_{family} AS "
                f"SELECT raw::{raw_types[family]} AS raw, code FROM vm_{family}"
            )
    return ValueCodes(labels=labels, code_of=code_of, values=values, unmapped=unmapped)


def stratify(
    con,
    *,
    source: str,
    value_maps: dict[str, dict[str, str]],
    intersections: list[str],
    dimensions_present: set[str] | None = None,
    codes: ValueCodes | None = None,
) -> Strata:
    """One scan with GROUPING SETS over every dimension and intersection.

    `source` is a table/view name or a `read_parquet(...)` expression with the normalized
    columns. Unmapped (non-empty, unknown) source values become Unknown and are counted.
    `codes`: the value maps already applied to this source (`map_values`), else applied here.
    """
    codes = codes or map_values(con, source=source, value_maps=value_maps)
    strata = Strata(unmapped=codes.unmapped)
    present = dimensions_present or _present(codes.values)
    dims = [d for d in _DIM_ORDER if d in present]
    inter = [
        tuple(i.split(" x "))
        for i in intersections
        if all(part in dims for part in i.split(" x ")) and len(i.split(" x ")) == 2
    ]
    keys = "measure, period_start, granularity"
    sets = (
        [f"({keys})"] + [f"({keys}, {d})" for d in dims] + [f"({keys}, {a}, {b})" for a, b in inter]
    )
    mapped = codes.mapped_sql(
        source,
        columns="n.measure, n.period_start, n.granularity, n.numerator, n.denominator, "
        "n.site, n.age_band",
        where="NOT n.excluded",
    )
    grouping = ", ".join(dims)
    # Two levels: one scan of the rows sums them per combination of every dimension's code
    # (a few hundred thousand at 2 M rows), and the grouping sets read those sums, not the
    # rows again once per set. Sums of sums are the same sums.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE strata_fine AS
            SELECT {keys}, {grouping}, sum(numerator) AS numerator,
                   sum(denominator) AS denominator
            FROM ({mapped}) GROUP BY {keys}, {grouping}"""
    )
    query = f"""SELECT {keys}, {grouping}, GROUPING({grouping}) AS gid,
                       sum(numerator)::BIGINT, sum(denominator)::BIGINT
                FROM strata_fine GROUP BY GROUPING SETS ({", ".join(sets)})"""
    width = len(dims)
    text_dims = {"site", "age_band"}  # grouped as text, not coded
    labels = codes.labels

    def label(dim: str, value) -> str:
        return value if dim in text_dims else labels[value]

    period_labels = {}
    for row in con.execute(query).fetchall():
        measure, start, granularity = row[:3]
        values = row[3 : 3 + width]
        gid = row[3 + width]
        grouped = [i for i in range(width) if not gid & (1 << (width - 1 - i))]
        if not grouped:
            dimension, group = "all", "All patients"
        else:
            dimension = " x ".join(dims[i] for i in grouped)
            group = " x ".join(label(dims[i], values[i]) for i in grouped)
        if (start, granularity) not in period_labels:
            period_labels[(start, granularity)] = _period_label(start, granularity)
        strata.rows.append(
            (
                measure,
                start,
                granularity,
                period_labels[(start, granularity)],
                dimension,
                group,
                row[-2],
                row[-1],
            )
        )
    con.execute("DROP TABLE strata_fine")
    return strata


def quality_counts(con, *, source: str, codes: ValueCodes) -> tuple[list[tuple], int]:
    """REaL completeness in patients, mapped exactly as `stratify` maps (same `codes`).

    One patient counts once per period and site (and once per period across "All sites"),
    with the best information any of their rows carries: a known category (the first by
    name) over Declined over Unknown. Excluded rows count: completeness is about the
    record, not the measure. Returns rows (period_start, granularity, period_label, site,
    dimension, group, patients) and the number of distinct patients."""
    unknown, declined = codes.code(UNKNOWN), codes.code(DECLINED)
    # Each code ranked so that one plain min() picks the best: a known category (the first
    # by name: codes follow the labels' order) over Declined over Unknown. Two FILTERed
    # aggregates per column cost 0.1 s more at 2 M rows.
    ranked_declined, ranked_unknown = len(codes.labels), len(codes.labels) + 1
    decoded = {ranked_declined: declined, ranked_unknown: unknown}

    def best(column: str) -> str:
        return (
            f"min(CASE WHEN {column} = {unknown} THEN {ranked_unknown} "
            f"WHEN {column} = {declined} THEN {ranked_declined} ELSE {column} END) AS {column}"
        )

    mapped = codes.mapped_sql(
        source,
        columns="n.pid, n.period_start, n.granularity, n.period_label, n.site",
        where="n.pid IS NOT NULL AND n.period_start IS NOT NULL",
    )
    keys = "period_start, granularity, period_label"
    bests = ", ".join(best(d) for d in QUALITY_DIMENSIONS)
    # One pass over the rows gives each patient's best per site; the best across sites is
    # the same rule applied to those (a known category anywhere wins, then Declined), so
    # "All sites" reads the small per-site table (already ranked: a plain min), not the
    # rows again.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE quality_patients AS
        SELECT pid, {keys}, site, {bests} FROM ({mapped}) GROUP BY pid, {keys}, site"""
    )
    across_sites = ", ".join(f"min({d}) AS {d}" for d in QUALITY_DIMENSIONS)
    con.execute(
        f"""INSERT INTO quality_patients
        SELECT pid, {keys}, NULL AS site, {across_sites} FROM quality_patients
        WHERE site IS NOT NULL GROUP BY pid, {keys}"""
    )
    parts = " UNION ALL ".join(
        f"SELECT {keys}, site, '{d}' AS dimension, {d} AS grp, count(*) AS patients "
        f"FROM quality_patients GROUP BY {keys}, site, {d}"
        for d in QUALITY_DIMENSIONS
    )
    labels = codes.labels
    rows = [
        (
            start,
            granularity,
            label,
            ALL_SITES if site is None else site,
            dim,
            labels[decoded.get(grp, grp)],
            n,
        )
        for start, granularity, label, site, dim, grp, n in con.execute(parts).fetchall()
    ]
    rows.sort(key=lambda r: (r[0], r[1], r[3], r[4], r[5]))
    patients = con.execute("SELECT count(DISTINCT pid) FROM quality_patients").fetchall()[0][0]
    con.execute("DROP TABLE quality_patients")
    return rows, int(patients)


def _period_label(start: date, granularity: str) -> str:
    """The label `parse_period` gives a period start of that granularity."""
    if granularity == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if granularity == "month":
        return f"{start.year}-{start.month:02d}"
    return str(start.year)


_VM = pa.schema([("raw", pa.string()), ("code", pa.int32())])
_DIM_ORDER = ("race", "ethnicity", "race_ethnicity", "language", "sex", "age_band", "payer", "site")


def _present(values: dict[str, list[tuple]]) -> set[str]:
    """Race, ethnicity and language are expected: always stratified (all Unknown when
    absent). Sex, payer, site and age band only when the extract has them (a non-null sex
    or payer, a site or age band other than Unknown)."""
    present = {"race", "ethnicity", "race_ethnicity", "language"}
    for name, counted in (("sex", "sex"), ("payer", "payer")):
        if values[counted]:
            present.add(name)
    for name, counted in (("site", "site_known"), ("age_band", "age_known")):
        if any(value for value, _ in values[counted]):
            present.add(name)
    return present


def parquet_source(path: Path) -> str:
    return f"read_parquet({_lit(str(path))})"
