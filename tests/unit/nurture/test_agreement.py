import shutil
from pathlib import Path

import pytest
from lead_events import Stage
from lead_runtime.config import ConfigError
from nurture.agreement import FILE_NAME, load_catalogue

SHIPPED = Path(__file__).resolve().parents[3] / "config"
PERSONAS = ("purchasing", "production", "management", "marketing", "unknown")


def a_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = (SHIPPED / FILE_NAME).read_text(encoding="utf-8")
    assert old in text
    (tmp_path / FILE_NAME).write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def line_of(directory: Path, needle: str) -> int:
    lines = (directory / FILE_NAME).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_shipped_catalogue_loads():
    catalogue = load_catalogue(SHIPPED)
    assert catalogue.version
    assert set(PERSONAS) <= set(catalogue.personas)
    assert catalogue.limits.max_steps_per_week >= 1


@pytest.mark.parametrize("stage", [Stage.PROSPECT, Stage.MARKETING_LEAD, Stage.RECYCLED])
@pytest.mark.parametrize("persona", PERSONAS)
def test_shipped_catalogue_has_content_for_every_persona_and_stage(stage, persona):
    assert load_catalogue(SHIPPED).items_for(stage, persona)


def test_shipped_catalogue_speaks_to_german_manufacturing():
    titles = " ".join(i.title for i in load_catalogue(SHIPPED).items)
    for topic in ("Ausschreibungsvorlage", "Lieferantenbewertung", "OEE"):
        assert topic in titles


def test_unknown_format_is_refused_with_its_line(tmp_path):
    directory = a_copy(tmp_path, "format: tender_template", "format: brochure")
    with pytest.raises(ConfigError) as error:
        load_catalogue(directory)
    assert f"line {line_of(directory, 'format: brochure')}" in str(error.value)
    assert "format" in str(error.value)


def test_undeclared_persona_is_refused_with_its_line(tmp_path):
    directory = a_copy(tmp_path, "personas: [purchasing]\n    stage: prospect", "personas: [einkauf]\n    stage: prospect")
    with pytest.raises(ConfigError) as error:
        load_catalogue(directory)
    message = str(error.value)
    assert f"line {line_of(directory, 'personas: [einkauf]')}" in message
    assert "persona 'einkauf' is not declared" in message


def test_duplicate_content_id_is_refused(tmp_path):
    directory = a_copy(tmp_path, "id: wp-oee-steigerung", "id: wp-lieferantenbewertung")
    with pytest.raises(ConfigError, match="used twice"):
        load_catalogue(directory)


def test_broken_yaml_names_the_line(tmp_path):
    directory = a_copy(tmp_path, "min_gap_hours: 48", "min_gap_hours: [48")
    with pytest.raises(ConfigError, match=r"line \d+: not valid YAML"):
        load_catalogue(directory)


def test_zero_steps_per_week_is_refused(tmp_path):
    directory = a_copy(tmp_path, "max_steps_per_week: 2", "max_steps_per_week: 0")
    with pytest.raises(ConfigError) as error:
        load_catalogue(directory)
    assert f"line {line_of(directory, 'max_steps_per_week: 0')}" in str(error.value)


def test_missing_file_says_where_it_looked(tmp_path):
    with pytest.raises(ConfigError, match="LEADFLOW_CONFIG_DIR"):
        load_catalogue(tmp_path)


def test_recycle_items_are_in_the_recycled_stage(tmp_path):
    shutil.copy(SHIPPED / FILE_NAME, tmp_path / FILE_NAME)
    catalogue = load_catalogue(tmp_path)
    assert catalogue.item("rc-rohstoffpreise").stage == Stage.RECYCLED
