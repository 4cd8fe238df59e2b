"""CSV for the people who open it: plain RFC 4180 for programs, or Excel's German dialect.

German Excel splits a double-clicked file on `;` (its list separator, because `,` is its decimal
mark), reads it as UTF-8 only when it starts with a BOM (else as Windows-1252: "GeschÃ¤ft"), and
takes `0.25` for text or a date. So the German dialect writes `;`, a BOM and `0,25`. Dates stay
ISO 8601, which every Excel reads. Pure: text in, text out; callers do the I/O.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

BOM = "\ufeff"
DialectName = Literal["plain", "excel-de"]
# A text cell starting with one of these is run by Excel as a formula (CSV injection): a campaign
# name or an imported cell is someone else's text, so the Excel dialect makes it plain text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str = ","
    bom: bool = False
    decimal_comma: bool = False
    for_excel: bool = False  # text Excel would run as a formula gets a leading '


PLAIN = CsvDialect()
EXCEL_DE = CsvDialect(";", bom=True, decimal_comma=True, for_excel=True)
DIALECTS: dict[str, CsvDialect] = {"plain": PLAIN, "excel-de": EXCEL_DE}


def csv_cell(value: Any, dialect: CsvDialect) -> str:
    """One value as the dialect writes it; numbers keep every digit the JSON has."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # as the JSON says it
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as the same number
        return text.replace(".", ",") if dialect.decimal_comma else text
    text = str(value)
    return "'" + text if dialect.for_excel and text.startswith(_FORMULA_START) else text


def csv_text(rows: Iterable[Iterable[Any]], dialect: CsvDialect = PLAIN) -> str:
    """The rows as one CSV document (CRLF line ends; a cell with the delimiter, a quote or a line
    break is quoted), with the BOM first when the dialect wants one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerows([csv_cell(v, dialect) for v in row] for row in rows)
    return (BOM if dialect.bom else "") + buffer.getvalue()
