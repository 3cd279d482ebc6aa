""".env.example documents every setting: a setting added to config.py without an entry there
fails this test (nested sections are walked, ``KWIKA_SECTION__FIELD``)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from kwika.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"
# An assignment, active or commented out: "KWIKA_X=..." or "# KWIKA_X=...".
ASSIGNMENT = re.compile(r"^#?\s*(KWIKA_[A-Z0-9_]+)=", re.MULTILINE)


def _section(annotation: object) -> type[BaseModel] | None:
    """The nested settings model of a field (also inside ``Section | None``), if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def setting_names(model: type[BaseModel], prefix: str) -> Iterator[str]:
    for name, field in model.model_fields.items():
        section = _section(field.annotation)
        if section is not None:
            yield from setting_names(section, f"{prefix}{name.upper()}__")
        else:
            yield f"{prefix}{name.upper()}"


def documented_names() -> set[str]:
    return set(ASSIGNMENT.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


def test_every_setting_is_listed_in_env_example():
    prefix = Settings.model_config.get("env_prefix", "").upper()
    missing = sorted(set(setting_names(Settings, prefix)) - documented_names())
    assert not missing, f"add these settings to .env.example with an explanation: {missing}"


def test_env_example_lists_no_unknown_setting():
    prefix = Settings.model_config.get("env_prefix", "").upper()
    unknown = sorted(documented_names() - set(setting_names(Settings, prefix)))
    assert not unknown, f".env.example lists settings config.py does not have: {unknown}"


def test_nested_sections_are_walked():
    names = set(setting_names(Settings, "KWIKA_"))
    assert {"KWIKA_JWT__ACTIVE_KID", "KWIKA_EMAIL__BACKEND", "KWIKA_SECRET_KEY"} <= names
    assert "KWIKA_JWT" not in names


def test_every_example_value_is_accepted_by_settings(tmp_path, monkeypatch):
    """Uncommenting the whole file must give settings that load (no typos in values)."""
    for name in list(os.environ):
        if name.startswith("KWIKA_"):
            monkeypatch.delenv(name)
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    active = [line[2:] for line in lines if ASSIGNMENT.match(line) and line.startswith("# ")]
    env_file = tmp_path / ".env"
    env_file.write_text("\n".join(active) + "\n", encoding="utf-8")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    # The JSON object and the comma-separated lists were parsed, not taken literally.
    assert settings.jwt.keys
    assert settings.jwt.active_kid in settings.jwt.keys
    assert all("," not in origin for origin in settings.cors_origins)
