"""Answer latency with many users at once: 20 threads × 10 different questions each in one
process, against the same 200 questions asked one by one (the answers must be the same). The
query-vector cache is emptied between the two runs, so neither profits from the other.

    python bench/concurrent_questions.py [--threads 20] [--questions 10]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scoring.services import create_services  # noqa: E402
from settings import PROJECT_ROOT  # noqa: E402

QUESTION_SETS = [PROJECT_ROOT / "tests" / "data" / name
                 for name in ("golden_qa.jsonl", "holdout_qa.jsonl")]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--questions", type=int, default=10)
    args = parser.parse_args()
    import json

    questions = [json.loads(line)["q"] for path in QUESTION_SETS
                 for line in path.read_text(encoding="utf-8").splitlines()]
    chosen = random.Random(7).sample(questions, args.threads * args.questions)
    with tempfile.TemporaryDirectory() as data_dir:
        services = create_services({"data_dir": data_dir})
        services.knowledge.build()
        ask = services.ask  # the assistant as the page asks it (permission questions included)
        ask("外包场地有什么要求?")  # warm: model and index loaded
        ask("可以把投诉处理外包吗?")  # and the scope checker's catalogue
        alone, serial = {}, []
        for question in chosen:
            started = time.perf_counter()
            alone[question] = ask(question).to_dict()
            serial.append((time.perf_counter() - started) * 1000)
        services.knowledge.embeddings._cached_query.cache_clear()

        def timed(question: str) -> tuple[float, bool]:
            started = time.perf_counter()
            same = ask(question).to_dict() == alone[question]
            return (time.perf_counter() - started) * 1000, same

        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(timed, chosen))
        wall = time.perf_counter() - started
        work = chosen
    latencies = [latency for latency, _ in results]
    print(f"one user:   {len(serial)} questions, p50 {percentile(serial, 0.5):.1f} ms, "
          f"p95 {percentile(serial, 0.95):.1f} ms")
    print(f"{args.threads} users: {len(work)} questions in {wall:.1f} s "
          f"({len(work) / wall:.1f}/s), p50 {percentile(latencies, 0.5):.0f} ms, "
          f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms")
    print(f"same answers as one user alone: {all(same for _, same in results)}")


if __name__ == "__main__":
    main()
