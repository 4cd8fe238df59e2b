"""`python -m ingest rejected list|replay` and `import` against the real broker (functions, not subprocesses)."""

import shutil
import uuid
from pathlib import Path

import httpx
import pytest
import yaml
from lead_events import decode, lead_id_for
from lead_runtime.settings import KafkaSettings

from ingest.bootstrap import make_app
from ingest.import_cmd import import_file
from ingest.rejected_cmd import list_rejections, replay_rejections
from ingest.settings import Settings

from .test_ingest_kafka import read_topic

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


async def test_a_form_refused_for_an_unknown_answer_is_listed_and_replayed_after_the_mapping_fix(
    kafka_settings: KafkaSettings, tmp_path: Path, capsys
):
    email = f"anna.{uuid.uuid4().hex[:8]}@example-industrie.de"
    form = {"E-Mail": email, "Firma": "Example Industrie GmbH", "Rueckruf": "gerne"}
    app = make_app(Settings(kafka=kafka_settings))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ingest") as client:
            refused = await client.post("/v1/webhooks/website-form", json=form)
            await client.post("/v1/webhooks/webinars", json={"nonsense": True})
    assert refused.status_code == 422
    rejection_id = refused.json()["rejection_id"]
    await read_topic(kafka_settings, "touchpoints.rejected", 2)

    assert await list_rejections(Settings(kafka=kafka_settings), None, "website-form") == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 1 and listed[0].startswith(rejection_id) and "Rueckruf" in listed[0]

    shutil.copy(ROOT / "config" / "sources.yaml", tmp_path / "sources.yaml")
    doc = yaml.safe_load((tmp_path / "sources.yaml").read_text())
    doc["sources"]["website-form"]["form"]["yes_values"] = ["ja", "yes", "gerne"]  # the fix
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    fixed = Settings(kafka=kafka_settings, config_dir=tmp_path)
    assert await replay_rejections(fixed, [rejection_id, "no-such-id"], dry_run=False) == 1  # one not found
    out = capsys.readouterr().out
    assert f"{rejection_id}  accepted: published 1 touchpoint(s)" in out and "no-such-id  not found" in out
    [record] = await read_topic(kafka_settings, "touchpoints", 1)
    event = decode(record.value)
    assert event.lead_id == lead_id_for(email) and event.data.properties["may_contact_sales"] is True


async def _import(kafka_settings: KafkaSettings, export: Path, report: Path, dry_run: bool = False) -> int:
    """`python -m ingest import FILE --source marketing-ops`, as a function."""
    return await import_file(Settings(kafka=kafka_settings), export, "marketing-ops", "form_submitted", dry_run, report)


async def test_a_contact_export_is_imported_with_a_report_of_the_rejected_rows(
    kafka_settings: KafkaSettings, tmp_path: Path, capsys
):
    export = tmp_path / "contacts.csv"
    export.write_text(
        "E-Mail;Vorname;Nachname;Firma;Mitarbeiter;Newsletter\n"
        "anna@example-industrie.de;Anna;Schmidt;Example Industrie GmbH;850;ja\n"
        "kein-at;Bernd;Brot;Brot AG;120;nein\n"
        "carla@example-industrie.de;Carla;Meier;Example Industrie GmbH;viele;ja\n"
        "dora@example-industrie.de;Dora;Klein;Klein KG;40;\n",
        encoding="utf-8-sig",
    )
    report = tmp_path / "contacts.rejected.csv"
    assert await _import(kafka_settings, export, report) == 2  # exit code: some rows were refused
    captured = capsys.readouterr()
    assert "4/4 rows (100%), 3 accepted, 1 rejected" in captured.err
    assert "contacts.csv: 4 rows, 3 published, 1 rejected" in captured.out
    assert report.read_bytes().startswith(b"\xef\xbb\xbfline;reason;E-Mail;")  # German Excel's file, its dialect back
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("3;contact.email") and lines[1].endswith(";kein-at;Bernd;Brot;Brot AG;120;nein") and len(lines) == 2
    records = [decode(r.value) for r in await read_topic(kafka_settings, "touchpoints", 3)]
    by_email = {e.data.contact.email: e.data for e in records}
    assert set(by_email) == {"anna@example-industrie.de", "carla@example-industrie.de", "dora@example-industrie.de"}
    # "viele" employees cannot be read: Carla is imported without a size, the text kept beside her
    carla = by_email["carla@example-industrie.de"]
    assert carla.contact.company.employees is None
    assert carla.properties["unreadable_fields"] == {"company.employees": "viele"}
    rejected = [decode(r.value) for r in await read_topic(kafka_settings, "touchpoints.rejected", 1)]
    assert {r.data.source for r in rejected} == {"marketing-ops"}
    assert await _import(kafka_settings, export, report, dry_run=True) == 2  # dry run
    plain = await import_file(Settings(kafka=kafka_settings), export, "marketing-ops", "form_submitted", True, report,
                              report_dialect_name="plain")
    assert plain == 2 and report.read_text(encoding="utf-8").startswith("line,reason,E-Mail,")


async def test_an_export_with_a_contact_twice_and_a_quoted_line_break_imports_one_contact(
    kafka_settings: KafkaSettings, tmp_path: Path, capsys
):
    export = tmp_path / "contacts.csv"
    export.write_text(
        'E-Mail,Vorname,Position,Firma,Mitarbeiter,Notiz\n'
        'eva@example-industrie.de,Eva,Einkauf,Example Industrie GmbH,850,"Messe Hannover\nStand B12"\n'
        'EVA@example-industrie.de ,,Leiterin Einkauf,,,\n',
        encoding="utf-8",
    )
    assert await _import(kafka_settings, export, tmp_path / "r.csv") == 0
    out = capsys.readouterr().out
    assert "contacts.csv: 1 rows, 1 published, 0 rejected" in out and "line 2: the same email again on line(s) 4" in out
    [record] = await read_topic(kafka_settings, "touchpoints", 1)
    data = decode(record.value).data
    assert data.contact.job_title == "Leiterin Einkauf" and data.contact.first_name == "Eva"  # the later cells win
    assert data.properties["notiz"] == "Messe Hannover\nStand B12"


async def test_an_export_that_mixes_encodings_is_refused_naming_the_line_and_nothing_is_published(
    kafka_settings: KafkaSettings, tmp_path: Path, capsys
):
    export = tmp_path / "mixed.csv"
    export.write_bytes("E-Mail;Position\nfritz@example.de;Geschäftsführer\n".encode()
                      + "gerd@example.de;Geschäftsführer\n".encode("latin-1"))
    assert await _import(kafka_settings, export, tmp_path / "r.csv") == 1
    assert "line 3 is not UTF-8" in capsys.readouterr().err
    assert await read_topic(kafka_settings, "touchpoints", 0) == []


async def test_an_import_marked_historical_publishes_its_touchpoints_marked_so(kafka_settings: KafkaSettings, tmp_path: Path):
    export = tmp_path / "messe-2019.csv"
    export.write_text("E-Mail;Vorname;Nachname;Firma\nanna@example-industrie.de;Anna;Schmidt;Example GmbH\n", encoding="utf-8")
    assert await import_file(Settings(kafka=kafka_settings), export, "marketing-ops", "event_attended", False,
                             tmp_path / "r.csv", historical=True) == 0
    [record] = await read_topic(kafka_settings, "touchpoints", 1)
    assert decode(record.value).data.historical is True
