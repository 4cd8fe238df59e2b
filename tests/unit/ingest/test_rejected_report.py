"""The rejected-rows report comes back in the dialect of the file it came from."""

import codecs

from lead_runtime.csv_dialect import BOM, EXCEL_DE, PLAIN, csv_text

from ingest.rejected_report import rejected_table, report_dialect


def test_a_file_from_german_excel_gets_semicolons_and_a_bom_back():
    assert report_dialect("as-file", b"E-Mail;Firma\n", ";", None) == EXCEL_DE
    assert report_dialect("as-file", codecs.BOM_UTF8 + b"E-Mail;Firma\n", ";", None) == EXCEL_DE


def test_a_whole_windows_1252_file_gets_a_bom_so_excel_reads_the_utf8_report():
    dialect = report_dialect("as-file", "E-Mail,Firma\n".encode("cp1252"), ",", "cp1252")
    assert dialect.bom and dialect.delimiter == ","


def test_a_plain_utf8_comma_or_tab_file_gets_the_plain_dialect_with_its_delimiter():
    assert report_dialect("as-file", b"email,company\n", ",", None) == PLAIN
    tab = report_dialect("as-file", b"email\tcompany\n", "\t", None)
    assert tab.delimiter == "\t" and not tab.bom
    assert report_dialect("as-file", b"email,company\n", ",", "utf-8") == PLAIN


def test_the_dialect_can_be_chosen_whatever_the_file():
    assert report_dialect("excel-de", b"email,company\n", ",", None) == EXCEL_DE
    assert report_dialect("plain", b"E-Mail;Firma\n", ";", None) == PLAIN


def test_the_report_has_line_reason_and_the_rows_cells_in_the_files_column_order():
    table = rejected_table(["E-Mail", "Notiz"], [(3, "contact.email: not an email", {"Notiz": "Messe\nB12", "E-Mail": "kein-at"})])
    assert table == [["line", "reason", "E-Mail", "Notiz"], [3, "contact.email: not an email", "kein-at", "Messe\nB12"]]
    text = csv_text(table, EXCEL_DE)
    assert text.startswith(BOM + "line;reason;E-Mail;Notiz\r\n3;contact.email: not an email;kein-at;\"Messe\nB12\"")
