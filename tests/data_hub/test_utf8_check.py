"""Issue 17: the encoding check skips decoding plain ASCII chunks. It must still find every
invalid byte, wherever it falls, and accept a multi-byte character split across chunks."""

import pytest

from data_hub import sources

HEADER = b"MRN,Measure,Period,Numerator,Race\n"
ASCII_ROW = b"TEST-1,A1C,2025-Q1,1,White\n"


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(sources, "CHUNK", 16)


def _prepared(tmp_path, content: bytes) -> str:
    path = tmp_path / "extract.csv"
    path.write_bytes(content)
    target, _ = sources.prepare_for_duckdb(
        path=path, file_format="csv", encoding="utf-8", delimiter=",", work_dir=tmp_path / "w"
    )
    return target.read_text(encoding="utf-8")


def test_plain_ascii_is_read_in_place(tmp_path, small_chunks):
    content = HEADER + ASCII_ROW * 20
    path = tmp_path / "extract.csv"
    path.write_bytes(content)
    target, _ = sources.prepare_for_duckdb(
        path=path, file_format="csv", encoding="utf-8", delimiter=",", work_dir=tmp_path / "w"
    )
    assert target == path


@pytest.mark.parametrize("rows_before", [0, 1, 7, 19])
def test_a_windows_1252_byte_after_ascii_chunks_is_transcoded(tmp_path, small_chunks, rows_before):
    # 0x93/0x94 are curly quotes in Windows-1252 and invalid as UTF-8.
    content = HEADER + ASCII_ROW * rows_before + b"TEST-2,A1C,2025-Q1,0,\x93White\x94\n"
    text = _prepared(tmp_path, content + ASCII_ROW * 3)
    assert "\u201cWhite\u201d" in text and text.count("TEST-1") == rows_before + 3


@pytest.mark.parametrize("offset", range(16))
def test_a_multibyte_character_split_across_chunks_is_valid(tmp_path, small_chunks, offset):
    # "Ñ" is two bytes: at some offsets it straddles a 16-byte chunk boundary, and the next
    # chunk is plain ASCII.
    content = HEADER + b"T" * offset + b"\xc3\x91andu\n" + ASCII_ROW * 4
    path = tmp_path / "extract.csv"
    path.write_bytes(content)
    target, _ = sources.prepare_for_duckdb(
        path=path, file_format="csv", encoding="utf-8", delimiter=",", work_dir=tmp_path / "w"
    )
    assert target == path


@pytest.mark.parametrize("offset", range(16))
def test_a_truncated_character_before_ascii_is_invalid(tmp_path, small_chunks, offset):
    # The lead byte of a two-byte character followed by plain ASCII: not UTF-8.
    content = HEADER + b"T" * offset + b"\xc3andu\n" + ASCII_ROW * 4
    text = _prepared(tmp_path, content)
    assert "\u00c3andu" in text  # read as Windows-1252


def test_a_lead_byte_an_ascii_chunk_apart_from_its_continuation_is_invalid(tmp_path, small_chunks):
    # Chunk 1 ends with a lead byte, chunk 2 is plain ASCII, chunk 3 starts with a
    # continuation byte: joined without chunk 2 they would look like a valid "Ñ".
    content = b"A" * 15 + b"\xc3" + b"B" * 16 + b"\x91,x\n"
    text = _prepared(tmp_path, content)
    assert text == "A" * 15 + "\u00c3" + "B" * 16 + "\u2018,x\n"
