from lead_events import TouchpointIn

from ingest.domain.contacts_csv import column_key, row_id, row_touchpoint

AT = "2026-11-22T10:15:00+00:00"


def _doc(row: dict) -> dict:
    return row_touchpoint(row, source="marketing-ops", touchpoint_type="form_submitted", imported_at=AT)


def test_german_and_english_headers_map_to_the_contact():
    row = {"E-Mail": " Anna.Schmidt@Example-Industrie.de", "Vorname": "Anna", "Firma": "Example Industrie GmbH",
           "Mitarbeiter": "850", "Land": "de", "Newsletter": "ja", "Lead Source": "Messe 2026"}
    tp = TouchpointIn.model_validate(_doc(row))
    assert tp.contact.email == "anna.schmidt@example-industrie.de" and tp.contact.company.employees == 850
    assert tp.consent.email_marketing is True and tp.contact.company.country == "DE"
    assert tp.properties == {"imported": True, "lead_source": "Messe 2026"}
    assert (tp.source, tp.occurred_at.isoformat()) == ("marketing-ops", AT)


def test_the_same_row_gets_the_same_event_id_and_another_row_another():
    row = {"email": "a@b.de", "company": "B GmbH"}
    assert _doc(row)["event_id"] == _doc(dict(row))["event_id"] == row_id({"company": "B GmbH ", "email": "a@b.de"})
    assert _doc(row | {"company": "C GmbH"})["event_id"] != _doc(row)["event_id"]


def test_an_unclear_consent_is_left_for_validation_to_name():
    assert _doc({"email": "a@b.de", "consent": "vielleicht"})["consent"]["email_marketing"] == "vielleicht"


def test_headers_are_compared_without_case_spaces_or_dashes():
    assert column_key(" E-Mail ") == "e_mail" and column_key("Company Name") == "company_name"


def test_the_email_of_a_row_is_found_by_any_of_its_header_names_and_normalised():
    from ingest.domain.contacts_csv import email_of

    assert email_of({"E-Mail-Adresse": " Anna@Example.DE ", "Vorname": "Anna"}) == "anna@example.de"
    assert email_of({"Vorname": "Anna", "email": ""}) is None


def test_sizes_and_revenues_as_a_german_export_writes_them_are_read_and_the_unreadable_kept():
    row = {"E-Mail": "anna@example-industrie.de", "Mitarbeiter": "1.200", "Umsatz": "120.000.000"}
    tp = TouchpointIn.model_validate(_doc(row))
    assert (tp.contact.company.employees, tp.contact.company.annual_revenue_eur) == (1200, 120_000_000)
    tp = TouchpointIn.model_validate(_doc(row | {"Umsatz": "120 Mio."}))
    assert tp.contact.company.annual_revenue_eur is None and tp.contact.company.employees == 1200
    assert tp.properties["unreadable_fields"] == {"company.annual_revenue_eur": "120 Mio."}
