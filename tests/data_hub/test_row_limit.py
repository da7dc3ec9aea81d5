"""The upload's row limit: inspecting a file counts its line ends (an upper bound of its
rows) and refuses a file past the limit with one message, in every encoding it reads."""

import dataclasses
import mmap

import pytest

from data_hub import sources
from data_hub.sources import DEFAULT_LIMITS, UnreadableFile, inspect_file

LIMIT = dataclasses.replace(DEFAULT_LIMITS, rows=3)
HEADER = "MRN,Measure,Period,Numerator\n"


def _rows(count: int) -> str:
    return HEADER + "".join(f"P{i},bp,2026-01,1\n" for i in range(count))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_a_file_at_the_limit_is_read(tmp_path, encoding):
    path = tmp_path / "extract.csv"
    path.write_bytes(_rows(3).replace("P0", "Pé").encode(encoding))

    info = inspect_file(path, LIMIT)

    assert info["headers"] == ["MRN", "Measure", "Period", "Numerator"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "cp1252"])
def test_one_row_past_the_limit_is_refused(tmp_path, encoding):
    path = tmp_path / "extract.csv"
    path.write_bytes(_rows(4).replace("P0", "Pé").encode(encoding))

    with pytest.raises(UnreadableFile, match="more than 3 rows, the most the portal reads"):
        inspect_file(path, LIMIT)


def test_every_chunk_is_counted(tmp_path, monkeypatch):
    # Line ends in the second and third windows count as much as those in the first.
    monkeypatch.setattr(sources, "WINDOW", mmap.ALLOCATIONGRANULARITY)
    path = tmp_path / "extract.csv"
    path.write_text(_rows(4 * mmap.ALLOCATIONGRANULARITY // 16), encoding="utf-8")

    assert len(list(sources._line_ends(path, "utf-8"))) > 3
    assert sum(sources._line_ends(path, "utf-8")) == 4 * mmap.ALLOCATIONGRANULARITY // 16 + 1
    with pytest.raises(UnreadableFile, match="more than 3 rows"):
        sources._count_rows(path, "utf-8", LIMIT)


def test_the_count_stops_at_the_first_chunk_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "WINDOW", mmap.ALLOCATIONGRANULARITY)
    path = tmp_path / "extract.csv"
    path.write_text(_rows(40 * mmap.ALLOCATIONGRANULARITY // 16), encoding="utf-8")
    chunks = []
    original = sources._line_ends

    def counted(path, encoding):
        for count in original(path, encoding):
            chunks.append(count)
            yield count

    monkeypatch.setattr(sources, "_line_ends", counted)
    with pytest.raises(UnreadableFile):
        sources._count_rows(path, "utf-8", LIMIT)

    assert len(chunks) == 1  # not the 40 windows of the whole file
