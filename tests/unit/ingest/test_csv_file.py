"""Reading a contact export: one encoding, its delimiter, quoted line breaks, one contact per email."""

import pytest

from ingest.domain.csv_file import UnreadableFile, decoded, delimiter_of, one_per_email, read_rows


def test_utf8_with_or_without_bom_is_read():
    assert decoded("E-Mail;Position\na@x.de;Geschäftsführer\n".encode("utf-8-sig")).startswith("E-Mail")
    assert "Geschäftsführer" in decoded("E-Mail;Position\na@x.de;Geschäftsführer\n".encode())


def test_a_file_that_mixes_encodings_is_refused_naming_the_first_bad_line():
    raw = "E-Mail;Position\na@x.de;Geschäftsführer\n".encode() + "b@x.de;Geschäftsführer\n".encode("latin-1")
    with pytest.raises(UnreadableFile, match=r"line 3 is not UTF-8.*--encoding"):
        decoded(raw)


def test_a_whole_file_in_another_encoding_is_read_when_told():
    raw = "E-Mail;Position\nb@x.de;Geschäftsführer\n".encode("cp1252")
    assert "Geschäftsführer" in decoded(raw, "cp1252")
    with pytest.raises(UnreadableFile, match="unknown encoding"):
        decoded(raw, "klingon")


def test_an_excel_workbook_is_refused_with_what_to_do():
    with pytest.raises(UnreadableFile, match="Excel workbook.*CSV UTF-8"):
        decoded(b"PK\x03\x04\x14\x00\x06\x00rest-of-a-zip")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_detected_and_a_quoted_line_break_is_kept(delimiter):
    text = delimiter.join(["E-Mail", "Notiz", "Firma"]) + "\n" + delimiter.join(
        ["a@x.de", '"Zeile eins\nZeile zwei"', "Ex GmbH"]) + "\n" + delimiter.join(["b@x.de", "kurz", "B AG"]) + "\n"
    headers, rows = read_rows(text)
    assert headers == ["E-Mail", "Notiz", "Firma"]
    assert rows[0].cells["Notiz"] == "Zeile eins\nZeile zwei" and rows[0].line == 2
    assert rows[1].cells["E-Mail"] == "b@x.de" and rows[1].line == 4  # after the two-line cell


def test_the_same_email_twice_is_one_contact_and_the_later_rows_cells_win():
    _, rows = read_rows("E-Mail;Position;Telefon\na@x.de;Einkauf;123\nb@x.de;QS;\nA@x.de ;Leiter Einkauf;\n")
    merged = one_per_email(rows, lambda cells: (cells.get("E-Mail") or "").strip().lower() or None)
    assert [r.cells["E-Mail"].strip().lower() for r in merged] == ["a@x.de", "b@x.de"]
    assert merged[0].cells["Position"] == "Leiter Einkauf" and merged[0].cells["Telefon"] == "123"
    assert merged[0].merged_lines == (4,)


def test_the_delimiter_is_the_one_the_file_uses():
    assert delimiter_of("E-Mail;Firma\na@x.de;X GmbH\n") == ";"
    assert delimiter_of("email\tcompany\na@x.de\tX\n") == "\t"
    assert delimiter_of("email,company\na@x.de,X\n") == ","
    assert delimiter_of("email\n") == ","  # one column: nothing to tell, the plain one
