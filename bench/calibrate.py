"""Measure the similarity thresholds of an embedding model for ingest/calibration.toml.

    python bench/calibrate.py                     # the configured model (CSC_EMBEDDING_*)
    CSC_EMBEDDING_BACKEND=sentence-transformers CSC_EMBEDDING_MODEL_PATH=/models/bge-small-zh \\
        python bench/calibrate.py

Scope: how close each alias of the function catalogue comes to its own function (it must be
accepted) and how close unrelated work comes to any function (bench/calibration_unrelated.txt: it
must not). Answers: the best-sentence similarity of the questions of both question sets that the
concept coverage alone does not decide, in-scope against uncovered and off-topic. Prints the
distributions and the row they give; writes nothing but a temporary index.

The row: scope_accept just above every unrelated text (max + 0.005); scope_prohibited, the
similarity that alone calls a function 不得外包, as close as the upper quartile of aliases to their
own function; scope_conflict_margin a quarter of the spread (p5–p95) of unrelated texts;
answer_min_similarity at or below every in-scope question it decides (rounded down), since a
refused in-scope question costs more than an uncovered one answered with its nearest clause
(which the other checks of an answer still catch in part).
"""
from __future__ import annotations

import json
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.embeddings import model_name  # noqa: E402
from knowledge.concepts import question_concepts  # noqa: E402
from knowledge.rerank import rerank  # noqa: E402
from scoring.scope.functions import normalize  # noqa: E402
from scoring.services import create_services  # noqa: E402
from settings import PROJECT_ROOT  # noqa: E402

UNRELATED = Path(__file__).with_name("calibration_unrelated.txt")
QUESTION_SETS = [PROJECT_ROOT / "tests" / "data" / name
                 for name in ("golden_qa.jsonl", "holdout_qa.jsonl")]


def unit(vector) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    return array / (np.linalg.norm(array) or 1.0)


def scope_similarities(services) -> tuple[list[float], list[float]]:
    """(alias → nearest other text of its own function, unrelated text → nearest function)."""
    checker, embeddings = services.scope_checker, services.knowledge.embeddings
    texts = [(entry.name, normalize(text)) for entry in checker.functions for text in entry.texts]
    matrix = np.stack([unit(embeddings.embed_query(text)) for _, text in texts])
    paraphrases = []
    for row, (name, _) in enumerate(texts):
        own = [other for other, (owner, _) in enumerate(texts) if owner == name and other != row]
        if own:
            paraphrases.append(float(max(matrix[own] @ matrix[row])))
    unrelated = [float(max(matrix @ unit(embeddings.embed_query(normalize(line)))))
                 for line in UNRELATED.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
    return paraphrases, unrelated


def answer_similarities(services) -> tuple[list[float], list[float]]:
    """Best-sentence similarity of questions with low concept coverage: (in scope, not)."""
    base = services.knowledge
    snapshot = base.current()
    answerable, not_answerable = [], []
    for path in QUESTION_SETS:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            concepts = question_concepts(row["q"])
            coverage = snapshot.concepts.known_share(concepts)
            if coverage == 0 or coverage >= base.settings.answer_min_coverage:
                continue  # decided by the concepts alone
            hits = snapshot.search(row["q"])
            if not hits:
                continue
            best = max(candidate.similarity for candidate in rerank(snapshot, row["q"], hits))
            (not_answerable if row.get("off_topic") or row.get("uncovered")
             else answerable).append(best)
    return answerable, not_answerable


def describe(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: (none)"
    quantiles = np.percentile(values, [0, 5, 50, 95, 100])
    return (f"{label}: n={len(values)}  min {quantiles[0]:.3f}  p5 {quantiles[1]:.3f}  "
            f"median {quantiles[2]:.3f}  p95 {quantiles[3]:.3f}  max {quantiles[4]:.3f}")


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        services = create_services({"data_dir": data_dir})
        services.knowledge.build()
        name = model_name(services.knowledge.embeddings)
        paraphrases, unrelated = scope_similarities(services)
        answerable, not_answerable = answer_similarities(services)
    print(f"model: {name}")
    print(describe("scope, alias to its own function", paraphrases))
    print(describe("scope, unrelated text to nearest function", unrelated))
    print(describe("answers, in-scope questions (low coverage)", answerable))
    print(describe("answers, uncovered/off-topic questions (low coverage)", not_answerable))
    spread = float(np.percentile(unrelated, 95) - np.percentile(unrelated, 5))
    print(f'\n[model."{name}"]')
    print(f"scope_accept = {round(max(unrelated) + 0.005, 3)}")
    print(f"scope_prohibited = {round(float(np.percentile(paraphrases, 75)), 2)}")
    print(f"scope_conflict_margin = {max(round(spread / 4, 2), 0.005)}")
    if answerable:
        threshold = math.floor(min(answerable) * 100) / 100
        print(f"answer_min_similarity = {threshold}")
        let_through = sum(value >= threshold for value in not_answerable)
        print(f"# lets {let_through} of {len(not_answerable)} uncovered/off-topic questions "
              "through to the other checks")

if __name__ == "__main__":
    main()
