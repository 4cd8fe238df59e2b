"""A contact export as marketing saves it: one encoding per file, the delimiter it uses, quoted
line breaks kept, and one contact per email however often the file lists it."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

XLSX_MAGIC = b"PK\x03\x04"  # a zip: Excel's .xlsx (or .ods), never a CSV


class UnreadableFile(Exception):
    """The file cannot be read as one CSV in one encoding; the message says what to do."""


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file, as an editor counts
    cells: dict[str, str]
    merged_lines: tuple[int, ...] = field(default=())  # earlier rows of the same email folded in


def decoded(raw: bytes, encoding: str | None = None) -> str:
    """The file's text: UTF-8 (with or without Excel's BOM) unless `encoding` is given. A file
    that is not all in that encoding is refused, naming the first line that is not."""
    if raw.startswith(XLSX_MAGIC):
        raise UnreadableFile("it is an Excel workbook, not CSV: in Excel, save it as 'CSV UTF-8 (comma delimited)'"
                             " and import that file")
    wanted = encoding or "utf-8-sig"
    try:
        return raw.decode(wanted)
    except (UnicodeDecodeError, LookupError) as exc:
        if isinstance(exc, LookupError):
            raise UnreadableFile(f"unknown encoding {encoding!r}; e.g. --encoding cp1252 or --encoding latin-1") from exc
        line = raw.count(b"\n", 0, exc.start) + 1
        name = encoding or "UTF-8"
        hint = ("the file mixes encodings or is in another one: save it as UTF-8, or give --encoding"
                " (e.g. --encoding cp1252) if all of it is in that one") if encoding is None else (
                f"it is not all {name}: save it in one encoding")
        raise UnreadableFile(f"line {line} is not {name} (byte {exc.start}); {hint}") from exc


def delimiter_of(text: str) -> str:
    """`,` `;` or tab, whichever the file uses (`,` when it cannot tell)."""
    return _sniffed(text).delimiter


def _sniffed(text: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_rows(text: str) -> tuple[list[str], list[Row]]:
    """Header and rows, split on the file's delimiter; a quoted cell keeps its line breaks."""
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_sniffed(text))
    headers = list(reader.fieldnames or [])
    rows, start = [], reader.line_num + 1
    for cells in reader:
        rows.append(Row(start, cells))
        start = reader.line_num + 1
    return headers, rows


def one_per_email(rows: list[Row], email_of: Callable[[dict[str, str]], str | None]) -> list[Row]:
    """Rows of the same email become one contact, at the first row's place; the later row's
    non-empty cells win (a later export line is the newer data). Rows without an email stay."""
    by_email: dict[str, int] = {}
    out: list[Row] = []
    for row in rows:
        email = email_of(row.cells)
        if not email or email not in by_email:
            if email:
                by_email[email] = len(out)
            out.append(row)
            continue
        at = by_email[email]
        kept = out[at]
        newer = {k: v for k, v in row.cells.items() if isinstance(v, str) and v.strip()}
        out[at] = Row(kept.line, {**kept.cells, **newer}, (*kept.merged_lines, row.line))
    return out
