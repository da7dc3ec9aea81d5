"""Issue 17: a file the upload took for UTF-8 is read in place, without decoding all of it in
Python first: DuckDB checks every value it reads. When a value past the upload-time sample is
not UTF-8 (an export that mixes encodings), the job reads a Windows-1252 copy instead, and
nothing is lost or rejected for it."""

import pytest

from data_hub.models import Extract
from data_hub.sources import SNIFF_BYTES
from tests.data_hub.factories import HEADERS, counts, ingest, row

pytestmark = pytest.mark.django_db

# Enough plain rows that the upload's sample (SNIFF_BYTES) sees only valid UTF-8.
PLAIN_ROWS = SNIFF_BYTES // 60 + 100


def _write(path, rows, tail: bytes = b""):
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    path.write_bytes("\n".join(lines).encode("utf-8") + b"\n" + tail)
    return path


def _plain_rows():
    return [row(f"TEST-{i}", site="North") for i in range(PLAIN_ROWS)]


def test_a_windows_1252_value_past_the_sample_is_transcoded_not_rejected(org, measures, tmp_path):
    late = (
        ",".join(row("TEST-LATE", site="SITE"))
        .encode()
        .replace(b"SITE", b"Dr. O\x92Brien\x92s \x93East\x94 clinic")
    )
    extract = ingest(org, _write(tmp_path / "e.csv", _plain_rows(), late + b"\n"))

    assert extract.encoding == "utf-8"  # what the sample showed
    assert extract.status == Extract.Status.PROCESSED
    assert (extract.rows_read, extract.rows_rejected) == (PLAIN_ROWS + 1, 0)
    sites = {group for (_, _, group) in counts(extract, "site")}
    assert sites == {"North", "Dr. O\u2019Brien\u2019s \u201cEast\u201d clinic"}


def test_utf8_multibyte_text_is_read_as_utf8(org, measures, tmp_path):
    rows = [*_plain_rows(), row("TEST-N", site="Clínica Ñandú")]
    extract = ingest(org, _write(tmp_path / "e.csv", rows))

    assert extract.status == Extract.Status.PROCESSED
    # Not taken for Windows-1252 (that would read "ClÃ­nica Ã‘andÃº").
    assert {group for (_, _, group) in counts(extract, "site")} == {"North", "Clínica Ñandú"}
