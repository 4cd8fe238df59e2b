"""The import's rejected-rows report, given back in the dialect of the file it came from: a
marketer who saved the export from German Excel opens the report in the same Excel."""

import codecs
from dataclasses import replace

from lead_runtime.csv_dialect import DIALECTS, EXCEL_DE, PLAIN, CsvDialect

AS_FILE = "as-file"
REPORT_DIALECTS = (AS_FILE, *DIALECTS)


def report_dialect(choice: str, raw: bytes, delimiter: str, encoding: str | None) -> CsvDialect:
    """`as-file`: a file Excel saved (a BOM, `;`, or an encoding other than UTF-8) gets Excel's
    dialect back, anything else the plain one; either way with the file's own delimiter."""
    if choice != AS_FILE:
        return DIALECTS[choice]
    from_excel = (raw.startswith(codecs.BOM_UTF8) or delimiter == ";"
                  or (encoding is not None and codecs.lookup(encoding).name != "utf-8"))
    return replace(EXCEL_DE if from_excel else PLAIN, delimiter=delimiter)


def rejected_table(headers: list[str], rejected: list[tuple[int, str, dict]]) -> list[list]:
    """Line, reason and the row's own cells, in the file's column order."""
    return [["line", "reason", *headers], *([line, reason, *(row.get(h, "") for h in headers)]
                                             for line, reason, row in rejected)]
