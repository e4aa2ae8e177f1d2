"""Changes of the knowledge base as background jobs: they return at once, report progress, can be
cancelled (documents and index as they were), run again after a restart, and questions keep being
answered from the previous index meanwhile; the audit trail records each when it has finished."""
from __future__ import annotations

import json
import random
import time

import pytest

from access.gate import NotPermitted
from ingest.jobs import IngestJobs, JobBusy, JobRequest
from scoring.services import create_services

POLICY = "某银行外包细则\n第一条 外包坐席每年应接受不少于40学时的合规培训。\n第二条 本细则自发布之日起施行。\n"


def long_rules(clauses: int = 160, seed: int = 3) -> str:
    """A regulation long enough to take a while to embed (every clause a new text)."""
    rng = random.Random(seed)
    topics = ["外包人员", "运营场所", "信息系统", "客户信息保护", "投诉处理", "应急管理", "培训考核"]
    lines = ["某银行客服外包实施细则(长)"]
    for number in range(1, clauses + 1):
        lines.append(f"{number}.1 承包方应当就{rng.choice(topics)}建立第{number}号制度,"
                     f"并对{rng.choice(topics)}的执行情况每{rng.randint(1, 6)}个月检查一次,记录编号{number * 7919}。")
    return "\n".join(lines)


@pytest.fixture
def services(fresh_built_data_dir):
    return create_services({"data_dir": fresh_built_data_dir})


def request(operation="add", target="细则.txt", **arguments) -> JobRequest:
    arguments = arguments or {"filename": "细则.txt", "short_name": "外包细则", "title": ""}
    return JobRequest(operation, arguments, "documents.add", target)


def wait_until(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_change_returns_at_once_and_is_recorded_when_it_has_finished(services):
    person = services.gate.single_user(unlocked=True)
    job = services.submit_change(person, request(), POLICY.encode())
    assert job.state == "queued"  # handed over: the page goes on at once
    done = services.jobs.wait()
    assert done.state == "done" and "索引已重建" in done.message
    assert "外包细则" in {d.info.short_name for d in services.knowledge.documents()}
    [entry] = services.audit.entries(action="documents.add")
    assert (entry.actor, entry.outcome, entry.target) == ("本机用户", "done", "细则.txt")
    assert services.knowledge.search("外包坐席合规培训多少学时")[0].chunk.short_name == "外包细则"


def test_a_person_without_the_role_is_refused_before_anything_runs(services, fresh_built_data_dir):
    locked = create_services({"data_dir": fresh_built_data_dir, "admin_password": "s3cret"})
    with pytest.raises(NotPermitted):
        locked.submit_change(locked.gate.single_user(unlocked=False), request(), POLICY.encode())
    assert locked.jobs.current() is None
    assert [e.outcome for e in locked.audit.entries()] == ["refused"]


def test_questions_are_answered_from_the_previous_index_while_a_job_runs_and_it_can_be_cancelled(
        services):
    before = services.knowledge.snapshot().build_id
    documents = [d.info.short_name for d in services.knowledge.documents()]
    services.jobs.submit(request(), long_rules().encode())
    wait_until(lambda: services.jobs.current().stage == "embedding")
    with pytest.raises(JobBusy, match="另一项变更"):
        services.jobs.submit(request(), POLICY.encode())
    started = time.perf_counter()
    hits = services.knowledge.search("外包场地有什么要求")  # the previous index answers
    assert hits and time.perf_counter() - started < 5
    assert services.knowledge.snapshot().build_id == before
    assert services.jobs.cancel()
    cancelled = services.jobs.wait()
    assert cancelled.state == "cancelled" and "保持原样" in cancelled.message
    assert [e.outcome for e in services.audit.entries(action="documents.add")] == ["cancelled"]
    assert services.knowledge.snapshot().build_id == before
    assert [d.info.short_name for d in services.knowledge.documents()] == documents


def test_a_job_the_server_did_not_finish_runs_again_when_it_starts(fresh_built_data_dir):
    first = create_services({"data_dir": fresh_built_data_dir})
    first.jobs.submit(request(), POLICY.encode())
    first.jobs.wait()
    # the server was killed half-way through the next one: its record says running
    folder = first.jobs.folder
    record = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    record.update(id="20261203000000000001", state="running", done=3, total=9, stage="embedding",
                  request={**record["request"], "arguments": {"filename": "细则二.txt",
                                                              "short_name": "外包细则二", "title": ""},
                           "target": "细则二.txt"})
    (folder / "job.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (folder / "20261203000000000001.bin").write_bytes(POLICY.replace("40", "60").encode())
    restarted = create_services({"data_dir": fresh_built_data_dir})
    resumed = restarted.jobs.resume()
    assert resumed.resumed and "服务重启后继续" in resumed.describe()
    assert restarted.jobs.wait().state == "done"
    assert "外包细则二" in {d.info.short_name for d in restarted.knowledge.documents()}
    assert not (folder / "20261203000000000001.bin").exists()
    assert create_services({"data_dir": fresh_built_data_dir}).jobs.resume() is None  # done


def test_a_damaged_job_record_is_kept_aside_and_nothing_runs(services):
    folder = services.jobs.folder
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "job.json").write_text("{not json", encoding="utf-8")
    assert services.jobs.resume() is None
    assert any("已损坏" in note for note in services.knowledge.indexer.notices)
    assert [path.name.startswith("job.json.damaged") for path in folder.iterdir()] == [True]


def test_a_failing_change_leaves_everything_as_it_was(services):
    documents = [d.info.short_name for d in services.knowledge.documents()]
    services.jobs.submit(request(), b"\x00\x01binary" * 100)
    failed = services.jobs.wait()
    assert failed.state == "failed" and "保持原样" in failed.message
    assert [d.info.short_name for d in services.knowledge.documents()] == documents


def test_jobs_of_a_data_dir_are_independent_objects_per_process(services):
    assert isinstance(services.jobs, IngestJobs) and services.jobs.current() is None
