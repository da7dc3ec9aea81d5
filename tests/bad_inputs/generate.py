"""The bad-input corpus (issue 15, items 4-7): files an attacker or an unlucky analyst uploads.
Generated, never committed (some are large): `python -m tests.bad_inputs.generate OUTDIR`
writes them; tests/bad_inputs/test_corpus.py generates them into a temporary folder and
uploads each one through the pages.

Each entry: file name -> (bytes, the words the analyst's message must contain). The expected
words are matched against the page; None means the file is readable (it must be accepted)."""

import io
import sys
import zipfile
from pathlib import Path

import openpyxl

HEADER = ["MRN", "Measure", "Period", "Numerator", "Denominator", "Race", "Language"]
ROW = ["TEST-1", "A1C", "2025-Q1", "1", "1", "White", "English"]


def _csv(rows, delimiter=",") -> str:
    return "\r\n".join(delimiter.join(r) for r in rows) + "\r\n"


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(xlsx: bytes, replace: dict[str, bytes]) -> bytes:
    """The workbook with some members replaced or added."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, data in replace.items():
            if name not in source.namelist():
                target.writestr(name, data)
    return out.getvalue()


def _sheet_with_strings(count: int) -> bytes:
    cells = "".join(f'<c r="{col}1" t="s"><v>0</v></c>' for col in "AB")
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1">' + cells.encode() + b"</row></sheetData></worksheet>"
    )


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def billion_laughs() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    strings = (
        b'<?xml version="1.0"?><!DOCTYPE sst [' + entities.encode() + b"]>" + SST + b' count="1"'
        b' uniqueCount="1"><si><t>&a9;</t></si></sst>'
    )
    book = _workbook([["a", "b"], ["x", "y"]])
    return _rewrite(_with_shared_strings(book), {"xl/sharedStrings.xml": strings})


def external_entity() -> bytes:
    sheet = (
        b'<?xml version="1.0"?><!DOCTYPE ws [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>b</t></is></c></row></sheetData></worksheet>'
    )
    return _rewrite(_workbook([["a", "b"], ["x", "y"]]), {"xl/worksheets/sheet1.xml": sheet})


def truncated_xml() -> bytes:
    book = _workbook([HEADER, ROW, ROW])
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    return _rewrite(book, {"xl/worksheets/sheet1.xml": sheet[: len(sheet) // 2]})


def _with_shared_strings(book: bytes) -> bytes:
    """openpyxl writes inline strings: add a shared-strings part (declared in the content
    types and the workbook's relationships) and a sheet whose cells point at string 0."""
    source = zipfile.ZipFile(io.BytesIO(book))
    types = source.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
    )
    rels = source.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>',
    )
    return _rewrite(
        book,
        {
            "[Content_Types].xml": types,
            "xl/_rels/workbook.xml.rels": rels,
            "xl/worksheets/sheet1.xml": _sheet_with_strings(1),
            "xl/sharedStrings.xml": SST + b' count="1" uniqueCount="1"><si><t>a</t></si></sst>',
        },
    )


def shared_strings_bomb(megabytes: int) -> bytes:
    """A few hundred KB that expand to `megabytes` MB of shared strings."""
    text = b"x" * (1024 * 1024)
    body = b"".join(b"<si><t>" + text + b"</t></si>" for _ in range(megabytes))
    strings = SST + b">" + body + b"</sst>"
    return _rewrite(
        _with_shared_strings(_workbook([["a", "b"]])), {"xl/sharedStrings.xml": strings}
    )


def wide_dimension() -> bytes:
    """A sheet whose <dimension> says A1:ZZ30 while the data stops at column G: readable."""
    book = _workbook([HEADER, ROW])
    sheet = zipfile.ZipFile(io.BytesIO(book)).read("xl/worksheets/sheet1.xml")
    start = sheet.index(b"<dimension")
    end = sheet.index(b"/>", start) + 2
    sheet = sheet[:start] + b'<dimension ref="A1:ZZ30"/>' + sheet[end:]
    # Empty styled cells out to ZZ in the header row, as some exporters write them.
    padding = "".join(f'<c r="{col}1" s="0"/>' for col in ("H", "Z", "AZ", "ZZ")).encode()
    sheet = sheet.replace(b"</row>", padding + b"</row>", 1)
    return _rewrite(book, {"xl/worksheets/sheet1.xml": sheet})


def corpus(*, bomb_megabytes: int = 8) -> dict[str, tuple[bytes, str | None]]:
    huge = "x" * (200 * 1024)
    return {
        "huge-field.csv": (
            _csv([HEADER, ["TEST-1", "A1C", "2025-Q1", "1", "1", huge, "English"]]).encode(),
            "longer than",
        ),
        "unclosed-quote.csv": (
            (_csv([HEADER]) + 'TEST-1,"A1C,2025-Q1,1,1,White,English\r\n' + huge).encode(),
            "longer than",
        ),
        "billion-laughs.xlsx": (billion_laughs(), "XML entities"),
        "external-entity.xlsx": (external_entity(), "XML entities"),
        "truncated-xml.xlsx": (truncated_xml(), "damaged, truncated"),
        "shared-strings-bomb.xlsx": (shared_strings_bomb(bomb_megabytes), "expands to"),
        "ten-thousand-columns.csv": (
            _csv([[f"col{i}" for i in range(10_000)], ["1"] * 10_000]).encode(),
            "10,000 columns",
        ),
        "empty.csv": (b"", "The file is empty."),
        "header-only.csv": (_csv([HEADER]).encode(), "header row but no data rows"),
        "binary.csv": (bytes(range(256)) * 40, "not a text (CSV/TSV) or Excel"),
        "old-excel.xlsx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "password"),
        "not-a-zip.xlsx": (b"PK\x03\x04 but not really a zip", "could not be opened"),
        "zip-without-workbook.xlsx": (_zip_without_workbook(), "could not be"),
        "utf-16-without-bom.csv": (_csv([HEADER, ROW]).encode("utf-16-le"), None),
        "wide-dimension.xlsx": (wide_dimension(), None),
    }


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return out.getvalue()


def write(folder: Path, **options) -> dict[str, tuple[Path, str | None]]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, (content, expected) in corpus(**options).items():
        path = folder / name
        path.write_bytes(content)
        written[name] = (path, expected)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/bad-inputs")
    for path, _expected in write(target).values():
        print(f"{path}  {path.stat().st_size:,} bytes")
