"""Benchmark: full index build of the shipped corpus, and warm in-process search latency.

    python bench/search_latency.py [--rounds 5]

Builds into a temporary data directory (the real model, the real Chroma store), then times every
golden-set question as a search, after one warm-up pass. Floors: build ≤ 10 s, warm p95 ≤ 50 ms.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from knowledge.base import KnowledgeBase  # noqa: E402
from settings import load_settings  # noqa: E402

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "data" / "golden_qa.jsonl"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the questions")
    args = parser.parse_args()
    questions = [json.loads(line)["q"] for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as data_dir:
        base = KnowledgeBase(load_settings({"data_dir": data_dir}))
        started = time.perf_counter()
        base.embeddings.embed_query("warm up the model")
        model_load = time.perf_counter() - started
        started = time.perf_counter()
        result = base.build(force=True)
        build = time.perf_counter() - started
        for question in questions:
            base.search(question)
        base.embeddings._cached_query.cache_clear()  # time real embeddings, not the cache
        latencies = []
        for _ in range(args.rounds):
            for question in questions:
                started = time.perf_counter()
                base.search(question)
                latencies.append((time.perf_counter() - started) * 1000)
            base.embeddings._cached_query.cache_clear()
    print(f"model load            {model_load:6.2f} s")
    print(f"full build            {build:6.2f} s  ({result.chunks} chunks, {result.embedded} vectors)")
    print(f"warm search (n={len(latencies)})  p50 {statistics.median(latencies):5.1f} ms  "
          f"p95 {percentile(latencies, 0.95):5.1f} ms  max {max(latencies):5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
