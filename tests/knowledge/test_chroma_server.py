"""With CSC_CHROMA_HOST set, the index lives on a Chroma server and behaves the same."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from knowledge.base import KnowledgeBase
from settings import load_settings

CHROMA = Path(sys.executable).with_name("chroma")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip("the chroma command (from the chromadb package) is not installed")
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "server-data"),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("chroma run did not start:\n" + (tmp_path / "chroma.log").read_text())
    yield port
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_build_and_search_through_a_chroma_server(chroma_server, data_dir):
    settings = load_settings({"data_dir": data_dir, "chroma_host": "127.0.0.1",
                              "chroma_port": chroma_server})
    base = KnowledgeBase(settings)
    assert base.build().chunks == 23
    assert not (data_dir / "chroma").exists()  # no embedded store: the vectors are on the server
    assert base.search("外包场地有什么要求?", k=1)[0].chunk.clause == "4.3"
    assert base.build().up_to_date


def test_the_build_command_uses_the_server(chroma_server, data_dir):
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir), "CSC_CHROMA_HOST": "127.0.0.1",
           "CSC_CHROMA_PORT": str(chroma_server)}
    built = subprocess.run([sys.executable, "-m", "ingest", "build"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    found = subprocess.run([sys.executable, "-m", "knowledge", "search", "什么是服务目录", "--json"],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert '"clause": "2.4"' in found.stdout
    assert not (data_dir / "chroma").exists()
