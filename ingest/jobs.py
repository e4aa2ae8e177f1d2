"""Changes of the knowledge base as a background job: a request returns at once; one job runs at a
time in the server and reports its progress; it can be cancelled, which leaves the documents and
the index as they were (as any failed change does); a job the server did not finish (stopped or
killed) runs again when the server starts, reusing the vectors already computed (by content hash).
Questions go on being answered from the previous index until the new one is swapped in whole.

    jobs = IngestJobs(indexer, on_finish=record)
    jobs.submit(JobRequest("add", {"filename": "细则.docx", "short_name": "细则", "title": "…"},
                           "documents.add", "细则.docx", requested_by=("wang", "王芳", "统一认证")), data)
    jobs.current()   # JobState: state, done/total, stage, message
    jobs.cancel()
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from errors import UserError
from ingest.indexer import Indexer
from ingest.library import DocumentLibrary
from storage import atomic_write, move_aside, require_writable

JOBS_DIR = "jobs"
OPERATIONS = ("add", "add_version", "remove", "restore", "rebuild")
STATES = {"queued": "排队中", "running": "进行中", "done": "已完成", "failed": "失败",
          "cancelled": "已取消"}
FINISHED = ("done", "failed", "cancelled")


class JobBusy(UserError):
    """Another change of the knowledge base is still running."""


class JobCancelled(Exception):
    """Raised inside the build when the job is cancelled (the change is rolled back)."""


@dataclass(frozen=True)
class JobRequest:
    operation: str  # one of OPERATIONS
    arguments: dict  # of the library method (the file's bytes are kept beside the job)
    action: str  # the action id the audit trail records (documents.add …)
    target: str  # what it acts on, as the trail and the page say it
    requested_by: tuple[str, str, str] = ("", "", "")  # (id, name, via) of the person


@dataclass(frozen=True)
class JobState:
    id: str
    request: JobRequest
    state: str = "queued"
    done: int = 0
    total: int = 0
    stage: str = ""
    message: str = ""
    submitted_at: str = ""
    finished_at: str = ""
    resumed: bool = False

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def describe(self) -> str:
        """The job in one line for the pages: what, whose, how far."""
        who = self.request.requested_by[1]
        step = f"向量化 {self.done}/{self.total}" if self.stage == "embedding" and self.total else \
            {"": "准备中", "bm25": "建立 BM25"}.get(self.stage, self.stage)
        head = f"{self.request.target}({who})" if who else self.request.target
        if self.finished:
            return f"{head}:{STATES[self.state]}。{self.message}"
        return f"{head}:{STATES[self.state]}," + step + ("(服务重启后继续)" if self.resumed else "")


@dataclass
class _Running:
    state: JobState
    cancel: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None


class IngestJobs:
    """The one job of a data directory at a time, run in a thread of this process."""

    def __init__(self, indexer: Indexer,
                 on_finish: Callable[[JobState], None] | None = None):
        self.indexer = indexer
        self.folder = Path(indexer.settings.data_dir) / JOBS_DIR
        self.on_finish = on_finish
        self._lock = threading.Lock()
        self._job: _Running | None = None

    def submit(self, request: JobRequest, data: bytes | None = None) -> JobState:
        """Start the change in the background; JobBusy while another one runs."""
        if request.operation not in OPERATIONS:
            raise ValueError(f"unknown operation {request.operation!r}")
        require_writable(self.indexer.settings.data_dir)
        with self._lock:
            if self._job and not self._job.state.finished:
                raise JobBusy(f"知识库正在处理另一项变更({self._job.state.describe()}),"
                              "完成或取消后再试。")
            job_id = datetime.now().strftime("%Y%m%d%H%M%S%f")
            if data is not None:
                atomic_write(self.folder / f"{job_id}.bin", data)
            state = JobState(job_id, request, submitted_at=_now())
            self._save(state)
            self._start(state)
            return state

    def current(self) -> JobState | None:
        """The running job, or the last one this process ran."""
        with self._lock:
            return self._job.state if self._job else None

    def cancel(self) -> bool:
        """Ask the running job to stop; the change is rolled back at the next progress step."""
        with self._lock:
            if not self._job or self._job.state.finished:
                return False
            self._job.cancel.set()
            return True

    def wait(self, timeout: float = 600) -> JobState | None:
        """Until the current job has finished (tests and commands)."""
        job = self._job
        if job and job.thread:
            job.thread.join(timeout)
        return self.current()

    def resume(self) -> JobState | None:
        """Run again the job the server did not finish (called once when the server starts)."""
        path = self.folder / "job.json"
        if not path.exists():
            return None
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            state = JobState(**{**saved, "request": JobRequest(**{
                **saved["request"], "requested_by": tuple(saved["request"]["requested_by"])})})
        except (ValueError, TypeError, KeyError):
            kept = move_aside(path)
            self.indexer.notices.append(f"后台任务记录已损坏,已改名为 {kept.name} 保留;该任务没有继续。")
            return None
        if state.finished:
            with self._lock:
                self._job = self._job or _Running(state)
            return None
        with self._lock:
            resumed = replace(state, state="queued", done=0, total=0, stage="", resumed=True)
            self._start(resumed)
            return resumed

    def _start(self, state: JobState) -> None:
        running = _Running(state)
        running.thread = threading.Thread(target=self._run, args=(running,), daemon=True,
                                          name=f"ingest-job-{state.id}")
        self._job = running
        running.thread.start()

    def _run(self, job: _Running) -> None:
        self._update(job, state="running")
        last_saved = [0.0]

        def progress(done: int, total: int, stage: str) -> None:
            if job.cancel.is_set():
                raise JobCancelled()
            now = time.monotonic()
            save = now - last_saved[0] > 2  # the file for a restart; the page reads memory
            if save:
                last_saved[0] = now
            self._update(job, save=save, done=done, total=total, stage=stage)

        request = job.state.request
        try:
            if request.operation == "rebuild":
                result = self.indexer.build(on_progress=progress)
            else:
                result = self.indexer.change(lambda library: self._edit(library, job.state),
                                             on_progress=progress)[1]
        except JobCancelled:
            self._finish(job, "cancelled", "文档与索引保持原样。")
        except UserError as error:
            self._finish(job, "failed", f"{error}文档与索引保持原样。")
        except Exception as error:  # noqa: BLE001 - a job thread must always end in a state
            self._finish(job, "failed", f"出错了({type(error).__name__}),文档与索引保持原样。")
        else:
            self._finish(job, "done", f"索引已重建:{result.chunks} 个片段,新计算向量 "
                                      f"{result.embedded} 个,用时 {result.seconds:.1f} 秒。")

    def _edit(self, library: DocumentLibrary, state: JobState):
        arguments = dict(state.request.arguments)
        if state.request.operation in ("add", "add_version"):
            arguments["data"] = (self.folder / f"{state.id}.bin").read_bytes()
        return getattr(library, state.request.operation)(**arguments)

    def _update(self, job: _Running, save: bool = True, **changes) -> None:
        with self._lock:
            job.state = replace(job.state, **changes)
        if save:
            self._save(job.state)

    def _finish(self, job: _Running, outcome: str, message: str) -> None:
        self._update(job, state=outcome, message=message, finished_at=_now())
        (self.folder / f"{job.state.id}.bin").unlink(missing_ok=True)
        if self.on_finish:
            try:
                self.on_finish(job.state)
            except Exception:  # noqa: BLE001 - the audit trail reports its own trouble
                self.indexer.notices.append("后台任务已结束,但未能写入审计日志。")

    def _save(self, state: JobState) -> None:
        atomic_write(self.folder / "job.json",
                     json.dumps(asdict(state), ensure_ascii=False, indent=1).encode())


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
