"""Benchmark: the duty miner's recall and precision on the rule documents with planted duties
(tests/data/duties/*.txt and their .expected.json), and its time per 10,000 characters.

    python bench/duty_miner.py [--repeat 200]

Recall = planted duties found (same clause, quote holding the planted words, same period and
deadline) ÷ planted; precision = proposals that are planted duties ÷ proposals.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.documents import info_for_file, parse_document  # noqa: E402
from scoring.register.duties import mine  # noqa: E402

DATA = ROOT / "tests" / "data" / "duties"


def matches(duty, item: dict) -> bool:
    return duty.clause == item["clause"] and item["quote"] in duty.quote


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="runs over the documents to time")
    args = parser.parse_args()
    documents, planted, proposed, found, right = [], 0, 0, 0, 0
    for path in sorted(DATA.glob("*.txt")):
        document = parse_document(path.read_bytes(), info_for_file(path), 20 * 1024 * 1024)
        duties = json.loads(path.with_suffix(".expected.json").read_text("utf-8"))["duties"]
        candidates = mine([document])
        hits = [(item, [duty for duty in candidates if matches(duty, item)]) for item in duties]
        file_found = sum(1 for item, same in hits if any(
            (duty.period, duty.deadline) == (item["period"], item["deadline"]) for duty in same))
        file_right = sum(1 for duty in candidates if any(matches(duty, item) for item in duties))
        print(f"{path.name}: planted {len(duties)}, found {file_found}, "
              f"proposed {len(candidates)}, of which planted {file_right}")
        documents.append(document)
        planted, proposed = planted + len(duties), proposed + len(candidates)
        found, right = found + file_found, right + file_right
    print(f"recall {found}/{planted} = {found / planted:.2f}; "
          f"precision {right}/{proposed} = {right / proposed:.2f}")
    characters = sum(len(clause.text) for document in documents for clause in document.clauses)
    started = time.perf_counter()
    for _ in range(args.repeat):
        mine(documents)
    per_run = (time.perf_counter() - started) / args.repeat
    print(f"{characters} characters in {per_run * 1000:.2f} ms: "
          f"{per_run * 1000 * 10_000 / characters:.2f} ms per 10,000 characters")


if __name__ == "__main__":
    main()
