"""Every setting is named in .env.example and in the README, and .env.example itself loads."""

from __future__ import annotations

import pytest

from namndbot.settings import Settings

from .conftest import ROOT

NAMES = [field.validation_alias.choices[0] for field in Settings.model_fields.values()]


@pytest.mark.parametrize("name", NAMES)
def test_every_setting_is_documented(name):
    assert name in (ROOT / ".env.example").read_text(encoding="utf-8")
    assert f"`{name}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_example_loads_as_it_is(tmp_path, monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=ROOT / ".env.example")
    assert settings.database == "./namndbot.sqlite3" and settings.port == 3000 and settings.slack_bot_token is None


def test_an_empty_variable_is_one_not_set(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NAMNDBOT_GALLRING_MANADER", "")
    monkeypatch.setenv("NAMNDBOT_PORT", "")
    settings = Settings(_env_file=None)
    assert settings.gallring_manader == 24 and settings.port == 3000
