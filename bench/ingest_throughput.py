"""Benchmark: ingest against the embedding model alone, ingest throughput on a generated
200-page document, and search latency with 20 documents loaded.

    python bench/ingest_throughput.py [--ratio-pages 22] [--pages 200] [--documents 20]
                                      [--document-pages 3] [--only ratio|ingest|during|search]

The ratio: the model embeds the document's clause texts once (one call, its best case), then
the whole pipeline (parse, chunk, embed, write to Chroma, BM25, swap) indexes the same document,
in the same run; both in characters of clause text per second.

Everything runs on the real parser, the real embedding model and the real Chroma store, in a
temporary data directory.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.chunks import chunk_documents  # noqa: E402
from ingest.documents import DocumentInfo, parse_document  # noqa: E402
from ingest.jobs import STATES, JobRequest  # noqa: E402
from knowledge.base import KnowledgeBase  # noqa: E402
from scoring.services import create_services  # noqa: E402
from settings import load_settings  # noqa: E402

TOPICS = ["外包人员", "运营场所", "信息系统", "服务质量", "客户信息保护", "投诉处理", "应急管理",
          "培训考核", "绩效评价", "合同管理", "退出安排", "录音管理", "数据安全", "供应商评估"]
VERBS = ["应当建立", "应当定期检查", "应当每季度评估", "应当书面报告", "应当明确", "不得擅自变更"]


def generated_standard(pages: int, seed: int = 7) -> str:
    """A GB-style document of about ``pages`` pages (40 lines each), with page numbers."""
    rng = random.Random(seed)
    lines: list[str] = []
    chapter = 0
    while len(lines) < pages * 40:
        chapter += 1
        lines.append(f"{chapter} {rng.choice(TOPICS)}管理")
        for section in range(1, 6):
            lines.append(f"{chapter}.{section} {rng.choice(TOPICS)}要求")
            for item in range(1, 5):
                topic = rng.choice(TOPICS)
                lines.append(f"{chapter}.{section}.{item} {topic}")
                for _ in range(rng.randint(2, 5)):
                    lines.append(f"承包方{rng.choice(VERBS)}{topic}相关制度,并对{rng.choice(TOPICS)}"
                                 f"的执行情况进行记录,保存期限不少于{rng.randint(1, 5)}年。")
    paged = []
    for number, start in enumerate(range(0, len(lines), 40), start=1):
        paged += lines[start:start + 40] + [f"- {number} -"]
    return "\n".join(paged)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--documents", type=int, default=20)
    parser.add_argument("--document-pages", type=int, default=3,
                        help="pages of each generated document in the search test")
    parser.add_argument("--ratio-pages", type=int, default=22,
                        help="pages of the document for the ratio (22 pages: about 34k characters)")
    parser.add_argument("--only", choices=["ratio", "ingest", "during", "search"])
    args = parser.parse_args()
    for name, step in (("ratio", ratio), ("ingest", ingest), ("during", during),
                       ("search", search)):
        if args.only in (None, name):
            step(args)
    return 0


def ratio(args: argparse.Namespace) -> None:
    text = generated_standard(args.ratio_pages)
    info = DocumentInfo("bench", "基准文档", "基准文档", "bench.txt")
    with tempfile.TemporaryDirectory() as data_dir:
        base = KnowledgeBase(load_settings({"data_dir": data_dir, "max_upload_mb": 100}))
        parsed = parse_document(text.encode("utf-8"), info, 100 * 1024 * 1024)
        passages = [chunk.passage for chunk in
                    chunk_documents([parsed], base.settings.chunk_max_chars)]
        base.embeddings.embed_query("warm up")
        started = time.perf_counter()
        base.embeddings.embed_documents(passages)
        model_seconds = time.perf_counter() - started
        started = time.perf_counter()
        base.change(lambda library: library.add(text.encode("utf-8"), "bench.txt", "基准文档", ""))
        build_seconds = time.perf_counter() - started
    chars = sum(len(passage) for passage in passages)
    print(f"{len(text)} 字的文档({len(passages)} 片段,条款文本 {chars} 字):"
          f"模型单独向量化 {model_seconds:.1f} s({chars / model_seconds:.0f} 字/s),"
          f"完整建索引 {build_seconds:.1f} s({chars / build_seconds:.0f} 字/s),"
          f"比值 {build_seconds / model_seconds:.2f}")


def ingest(args: argparse.Namespace) -> None:
    big = generated_standard(args.pages).encode("utf-8")
    info = DocumentInfo("bench", "基准文档", "基准文档", "bench.txt")

    started = time.perf_counter()
    parsed = parse_document(big, info, 100 * 1024 * 1024)
    parse_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as data_dir:
        base = KnowledgeBase(load_settings({"data_dir": data_dir, "max_upload_mb": 100}))
        base.embeddings.embed_query("warm up")
        started = time.perf_counter()
        _, result = base.change(lambda library: library.add(big, "bench.txt", "基准文档", ""))
        build_seconds = time.perf_counter() - started
    print(f"{args.pages} 页 → {len(parsed.clauses)} 条: 解析 {parse_seconds:.2f} s "
          f"({args.pages / parse_seconds:.0f} 页/s, {len(parsed.clauses) / parse_seconds:.0f} 条/s)")
    print(f"建索引(含向量化) {build_seconds:.1f} s: {result.chunks} 片段, 向量化 {result.embedded} 次 "
          f"({args.pages / build_seconds:.2f} 页/s, {result.embedded / build_seconds:.1f} 向量/s)")


def during(args: argparse.Namespace) -> None:
    """The assistant's answers while the 200-page document is indexed as a background job."""
    golden = Path(__file__).resolve().parents[1] / "tests" / "data" / "golden_qa.jsonl"
    questions = [row["q"] for row in map(json.loads, golden.read_text(encoding="utf-8").splitlines())
                 if row.get("clauses")]
    with tempfile.TemporaryDirectory() as data_dir:
        services = create_services({"data_dir": data_dir, "max_upload_mb": 100})
        services.knowledge.build()
        for question in questions[:5]:
            services.ask(question)
        services.jobs.submit(JobRequest("add", {"filename": "bench.txt", "short_name": "基准文档",
                                                "title": ""}, "documents.add", "bench.txt"),
                             generated_standard(args.pages).encode("utf-8"))
        started, latencies = time.perf_counter(), []
        while not services.jobs.current().finished:
            for question in questions:
                services.knowledge.embeddings._cached_query.cache_clear()
                begun = time.perf_counter()
                services.ask(question)
                latencies.append((time.perf_counter() - begun) * 1000)
                time.sleep(0.2)  # a person reads the answer before asking again
                if services.jobs.current().finished:
                    break
        state = services.jobs.current()
    print(f"后台建索引 {args.pages} 页({STATES[state.state]},{time.perf_counter() - started:.0f} s)"
          f"期间回答 {len(latencies)} 个问题: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms")


def search(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        base = KnowledgeBase(load_settings({"data_dir": data_dir}))

        def add_all(library) -> None:
            for number in range(args.documents - 1):
                text = generated_standard(args.document_pages, seed=100 + number).encode("utf-8")
                library.add(text, f"doc{number}.txt", f"文档{number}", "")

        _, result = base.change(add_all)
        questions = ["外包场地有什么要求?", "能不能把内审交给外包公司?", "录音管理保存期限",
                     "供应商评估应当如何进行", "什么是服务目录", "投诉处理要求"] * 10
        for question in questions[:6]:
            base.search(question)
        base.embeddings._cached_query.cache_clear()
        latencies = []
        for question in questions:
            started = time.perf_counter()
            base.search(question)
            latencies.append((time.perf_counter() - started) * 1000)
            base.embeddings._cached_query.cache_clear()
    print(f"{args.documents} 个文档({result.chunks} 片段)检索延迟: "
          f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
