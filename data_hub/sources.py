"""Reading uploaded files: detect the format, encoding and delimiter, read the header and a
preview, and turn any accepted file into UTF-8 delimited text for DuckDB in one streaming pass.

Nothing here reads a whole file into memory. Every failure a user can cause raises
`UnreadableFile` with one message written for them (never an exception's text).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

SNIFF_BYTES = 256 * 1024
CHUNK = 4 * 1024 * 1024
DELIMITERS = (",", "\t", "|", ";")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and password-protected .xlsx


class UnreadableFile(Exception):
    """The file cannot be read at all; `str(error)` is the message for the analyst."""


def detect_encoding(sample: bytes) -> str:
    """STACK.md's fixed rule: a UTF-16 BOM means UTF-16; valid UTF-8 means UTF-8 (a BOM is
    allowed); anything else is Windows-1252 (charset-normalizer misreads small cp1252 files)."""
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # The sample may end inside a multi-byte character: decode incrementally.
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _looks_binary(sample: bytes, encoding: str) -> bool:
    if encoding == "utf-16":
        return False
    head = sample[:8192]
    return b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best] == 0:
        raise UnreadableFile(
            "The file has no header row with column names separated by commas, tabs, pipes or "
            "semicolons."
        )
    return best


def detect_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise UnreadableFile(
            "This looks like a password-protected or old-style (.xls) Excel file. Remove the "
            "password or save it as .xlsx or CSV, then upload it again."
        )
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    return "csv"


def _decoded_sample(path: Path, encoding: str) -> str:
    with open(path, "rb") as handle:
        raw = handle.read(SNIFF_BYTES)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(raw, final=False)


def inspect_delimited(path: Path) -> dict:
    """Encoding, delimiter, headers and up to 5 preview rows of a delimited text file."""
    with open(path, "rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    if not sample.strip():
        raise UnreadableFile("The file is empty.")
    encoding = detect_encoding(sample)
    if _looks_binary(sample, encoding):
        raise UnreadableFile(
            "The file is not a text (CSV/TSV) or Excel (.xlsx) file. Export the extract as CSV "
            "or .xlsx and upload it again."
        )
    text = _decoded_sample(path, encoding).lstrip("\ufeff")
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = sniff_delimiter(header_line)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    headers, preview = _headers_and_preview(rows)
    return {"encoding": encoding, "delimiter": delimiter, "headers": headers, "preview": preview}


def _headers_and_preview(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise UnreadableFile("The file is empty.")
    headers = [h.strip() for h in rows[0]]
    if len(headers) < 2 or any(not h for h in headers):
        raise UnreadableFile(
            "The first row must hold a name for every column (found an empty or single column "
            "header)."
        )
    if len(set(h.lower() for h in headers)) != len(headers):
        raise UnreadableFile("Two columns have the same name in the header row; rename one.")
    if all(_is_number(h) for h in headers):
        raise UnreadableFile("The first row holds data, not column names: add a header row.")
    return headers, [r for r in rows[1:6]]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _open_workbook(path: Path):
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise UnreadableFile(
            "The Excel file could not be opened (damaged or not a real .xlsx workbook)."
        ) from error


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    workbook = _open_workbook(path)
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else _cell_text(v) for v in row]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if hasattr(value, "date") and hasattr(value, "hour"):  # datetime
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def inspect_xlsx(path: Path) -> dict:
    rows = []
    for row in _xlsx_rows(path):
        rows.append(row)
        if len(rows) >= 50:
            break
    headers, preview = _headers_and_preview(rows)
    width = len(headers)
    return {
        "encoding": "",
        "delimiter": "",
        "headers": headers,
        "preview": [r[:width] for r in preview],
    }


def inspect_file(path: Path) -> dict:
    file_format = detect_format(path)
    info = inspect_xlsx(path) if file_format == "xlsx" else inspect_delimited(path)
    info["file_format"] = file_format
    return info


def prepare_for_duckdb(
    *, path: Path, file_format: str, encoding: str, delimiter: str, work_dir: Path
) -> tuple[Path, str]:
    """Return (UTF-8 delimited file, delimiter) DuckDB can read.

    UTF-8 files are used in place. UTF-16 and Windows-1252 text is transcoded in 4 MiB chunks
    (DuckDB reads only utf-8/utf-16/latin-1, and cp1252's curly quotes fail as latin-1). A UTF-8
    file found invalid past the upload-time sample is transcoded as Windows-1252. XLSX rows are
    streamed from openpyxl's read-only mode into a CSV.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    if file_format == "xlsx":
        target = work_dir / "source.csv"
        width = None
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for row in _xlsx_rows(path):
                if not any(cell.strip() for cell in row):
                    continue
                if width is None:
                    width = len([c for c in row if c.strip()]) or len(row)
                writer.writerow(row[:width] + [""] * (width - len(row)))
        return target, ","
    if encoding in ("utf-8", "utf-8-sig") and _is_valid_utf8(path):
        return path, delimiter
    source_encoding = "utf-16" if encoding == "utf-16" else "cp1252"
    target = work_dir / "source.csv"
    decoder = codecs.getincrementaldecoder(source_encoding)(errors="replace")
    with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as out:
        while chunk := src.read(CHUNK):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
    return target, delimiter


def _is_valid_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
