"""The CSV dialects: plain RFC 4180, and German Excel's (`;`, BOM, decimal comma)."""

import csv
import io

from lead_runtime.csv_dialect import BOM, EXCEL_DE, PLAIN, csv_cell, csv_text

ROWS = [["stage", "rate", "hours", "leads", "on_track", "note", "due"],
        ["sales_ready", 0.25, 1234.5, 1200, True, None, "2026-11-02T09:30:00+00:00"]]


def read_back(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=delimiter))


def test_plain_is_comma_separated_utf8_without_bom_with_crlf_line_ends():
    text = csv_text(ROWS, PLAIN)
    assert text == ("stage,rate,hours,leads,on_track,note,due\r\n"
                    "sales_ready,0.25,1234.5,1200,true,,2026-11-02T09:30:00+00:00\r\n")


def test_excel_de_has_a_bom_semicolons_and_a_decimal_comma_and_leaves_dates_and_whole_numbers_alone():
    text = csv_text(ROWS, EXCEL_DE)
    assert text.startswith(BOM) and text.encode()[:3] == b"\xef\xbb\xbf"
    assert text.removeprefix(BOM).splitlines()[1] == "sales_ready;0,25;1234,5;1200;true;;2026-11-02T09:30:00+00:00"


def test_a_cell_holding_the_delimiter_a_quote_or_a_line_break_is_quoted_and_reads_back_whole():
    rows = [["note"], ["Messe; Stand B12"], ["Messe Hannover\nStand B12"], ['sagte "später"'], ["a,b"]]
    text = csv_text(rows, EXCEL_DE)
    assert '"Messe; Stand B12"' in text and '"Messe Hannover\nStand B12"' in text and '"sagte ""später"""' in text
    assert '"a,b"' not in text  # a comma is no delimiter in the German dialect
    assert read_back(text, ";") == rows
    assert read_back(csv_text(rows, PLAIN), ",") == rows


def test_every_number_reads_back_as_the_same_number():
    values = [0.1, 0.3333, 1e-05, 123456789.12, 1e+16, 7, -3, 0.0]
    [cells] = read_back(csv_text([values], EXCEL_DE), ";")
    assert [float(c.replace(",", ".")) for c in cells] == values
    [cells] = read_back(csv_text([values], PLAIN), ",")
    assert [float(c) for c in cells] == values


def test_excel_dialect_keeps_text_that_looks_like_a_formula_as_text():
    assert csv_cell("=HYPERLINK(\"http://x\")", EXCEL_DE) == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("@SUM(A1)", EXCEL_DE) == "'@SUM(A1)" and csv_cell("-3", EXCEL_DE) == "'-3"
    assert csv_cell(-3, EXCEL_DE) == "-3"  # a number is a number
    assert csv_cell("=1+1", PLAIN) == "=1+1"  # plain is for programs: the text as it is
