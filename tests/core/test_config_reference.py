"""docs/configuration.md is generated from the Settings model and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from factoryai.core.config import Settings, reference_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_doc_is_current() -> None:
    assert DOC.read_text().strip() == reference_markdown().strip(), (
        "docs/configuration.md is stale: run `.venv/bin/factoryai config reference > docs/configuration.md`"
    )


def test_reference_lists_every_setting_with_its_env_var() -> None:
    text = reference_markdown()
    for section, field in Settings.model_fields.items():
        for name in field.default_factory.model_fields:  # type: ignore[union-attr]
            assert f"`FACTORYAI_{section.upper()}__{name.upper()}`" in text
