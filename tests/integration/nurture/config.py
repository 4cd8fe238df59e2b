"""A copy of the sample agreement with the nurture terms a test needs (no quiet hours, no
double opt-in, no profiling unless asked), so tests neither sleep nor depend on the hour."""

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]


def agreement_dir(target: Path, **overrides) -> Path:
    shutil.copytree(ROOT / "config", target, dirs_exist_ok=True)
    terms = yaml.safe_load((target / "nurture.yaml").read_text())
    terms["consent"] = {"double_opt_in": "not_required"}
    for key in ("quiet_hours", "profiling"):
        terms.pop(key, None)
    terms.update(overrides)
    (target / "nurture.yaml").write_text(yaml.safe_dump(terms, allow_unicode=True))
    return target
