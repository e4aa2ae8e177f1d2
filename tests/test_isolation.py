"""No test reads or writes the project's own ./data, nor depends on the caller's CSC_* settings.

conftest.py watches every file operation of the test process (an audit hook) and fails the run
when one touches ./data; here a probe proves that the guard really catches such a test.
"""
import os
import subprocess
import sys

import pytest

from settings import PROJECT_ROOT, load_settings

PROBE = "ISOLATION_PROBE"  # not CSC_: conftest removes those


def test_settings_point_at_this_tests_own_data_dir(isolated_data_dir):
    settings = load_settings(environ=os.environ)  # as the app reads it
    assert settings.data_dir == isolated_data_dir != PROJECT_ROOT / "data"
    assert not any(name.startswith("CSC_") and name != "CSC_DATA_DIR" for name in os.environ)


@pytest.mark.skipif(PROBE not in os.environ, reason="run only by the test below")
def test_probe_that_reads_the_default_data_dir():
    try:
        (PROJECT_ROOT / "data" / "library.json").open(encoding="utf-8").close()
    except OSError:
        pass  # absent or not: the attempt alone must be caught


def test_a_test_touching_the_default_data_dir_fails_the_run(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{__file__}::test_probe_that_reads_the_default_data_dir"],
        cwd=PROJECT_ROOT, env={**os.environ, PROBE: "1"}, capture_output=True, text=True,
        timeout=300)
    assert result.returncode != 0, result.stdout
    assert "Tests touched the project's own data directory" in result.stderr
    assert f"open {PROJECT_ROOT / 'data' / 'library.json'}" in result.stderr
