"""Generative mode against a small OpenAI-compatible server that the test starts on localhost."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from knowledge.assistant import ask
from knowledge.base import KnowledgeBase
from settings import load_settings

QUESTION = "能不能把内审交给外包公司?"


class FakeLLM(BaseHTTPRequestHandler):
    """/v1/chat/completions answering with ``reply``; records what it was sent."""

    reply = ""
    delay = 0.0
    status = 200
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.received.append(body)
        time.sleep(FakeLLM.delay)
        payload = {"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                   "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": FakeLLM.reply}}],
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(FakeLLM.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def llm_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    FakeLLM.received, FakeLLM.delay, FakeLLM.status = [], 0.0, 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def knowledge_base(data_dir, url, timeout=10.0):
    return KnowledgeBase(load_settings({"data_dir": data_dir, "llm_base_url": url,
                                        "llm_model": "local-test", "llm_timeout_s": timeout}))


def test_off_by_default(built_data_dir):
    answer = ask(KnowledgeBase(load_settings({"data_dir": built_data_dir}, environ={})), QUESTION)
    assert answer.mode == "extractive"


def test_model_gets_only_the_chosen_clauses_and_a_citation_it_was_not_given_is_removed(
        built_data_dir, llm_server):
    FakeLLM.reply = ("不可以。内部审计属于不应外包的职能【GB/T 32314-2015 第5.1.2条】,"
                     "另见【GB/T 32314-2015 第9.9条】。")
    answer = ask(knowledge_base(built_data_dir, llm_server), QUESTION)

    prompt = json.dumps(FakeLLM.received[0]["messages"], ensure_ascii=False)
    assert "第5.1.2条 范围管理" in prompt and "运营场所" not in prompt
    assert answer.mode == "generative"
    assert "第9.9条" not in answer.answer and "【GB/T 32314-2015 第5.1.2条 范围管理】" in answer.answer
    assert [c.clause for c in answer.citations] == ["5.1.2"]
    assert any("第9.9条" in notice and "已删除" in notice for notice in answer.notices)


@pytest.mark.parametrize("status, delay, reason", [(500, 0.0, "接口返回错误 500"),
                                                   (200, 3.0, "超时")])
def test_error_or_timeout_falls_back_to_the_extractive_answer(built_data_dir, llm_server,
                                                              status, delay, reason):
    FakeLLM.reply, FakeLLM.status, FakeLLM.delay = "不可以【GB/T 32314-2015 第5.1.2条】", status, delay
    answer = ask(knowledge_base(built_data_dir, llm_server, timeout=1.0), QUESTION)
    assert answer.mode == "extractive" and answer.answer.startswith("不可以。依据")
    assert reason in answer.notices[0] and "摘录式回答" in answer.notices[0]


def test_not_covered_questions_never_reach_the_model(built_data_dir, llm_server):
    answer = ask(knowledge_base(built_data_dir, llm_server), "信用卡年费多少?")
    assert not answer.covered and FakeLLM.received == []


def test_unreachable_endpoint_falls_back(built_data_dir):
    answer = ask(knowledge_base(built_data_dir, "http://127.0.0.1:9/v1", timeout=2.0), QUESTION)
    assert answer.mode == "extractive" and "无法连接接口" in answer.notices[0]
