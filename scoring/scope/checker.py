"""Scope verdicts: may a customer-service-center function be outsourced (clauses 1, 3, 4.1, 5.1.2)?"""
from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from ingest.calibration import Calibration, calibration_for
from ingest.embeddings import model_name
from scoring.scope.function_list import FunctionListError
from scoring.scope.functions import (
    SEVERITY,
    VERDICT_LABELS,
    FunctionEntry,
    load_function_catalogue,
    match_key,
    normalize,
)
from scoring.scope.rules import RuleMatch, ScopeRule, load_rules
from scoring.standard import Citation, Standard

NEAREST_COUNT = 3
NOT_SUITABLE = "not_suitable"  # clause 4.1: the bank names what is unsuitable; cited on `review`


@dataclass(frozen=True)
class Neighbour:
    entry: FunctionEntry
    similarity: float

    def to_dict(self) -> dict:
        return {"function": self.entry.name, "verdict": self.entry.verdict,
                "similarity": round(self.similarity, 3)}


@dataclass(frozen=True)
class ScopeVerdict:
    """The verdict on one function: machine value, human reason, quoted clauses, nearest entries."""

    function: str
    verdict: str
    category: str
    reason: str
    citations: tuple[Citation, ...]
    nearest: tuple[Neighbour, ...] = ()
    element: str = ""  # the outsourcing element where it may be outsourced, e.g. "4.2 人员外包"
    matched: str = ""  # the catalogue entry the verdict follows, if any
    grounds: str = ""  # the reason without how the entry was found (no similarity figure)

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    def to_dict(self) -> dict:
        return {"function": self.function, "verdict": self.verdict, "label": self.label,
                "category": self.category, "reason": self.reason,
                "clauses": [citation.to_dict() for citation in self.citations],
                "nearest": [neighbour.to_dict() for neighbour in self.nearest],
                "element": self.element, "matched": self.matched}


class ScopeChecker:
    """Classifies functions by the function catalogue, rules and semantic similarity; shared by
    every session, never mutated after the catalogue's vectors are computed."""

    def __init__(self, standard: Standard, embeddings: Embeddings,
                 functions: list[FunctionEntry] | None = None,
                 rules: list[ScopeRule] | None = None, cache_dir: Path | None = None,
                 calibration: Calibration | None = None):
        self.standard = standard
        self.embeddings = embeddings
        # the similarity thresholds (query role on both sides) measured for this model
        self.calibration = calibration or calibration_for(model_name(embeddings))
        self.cache_dir = cache_dir  # where the catalogue's vectors are kept between runs
        self.functions = functions if functions is not None else load_function_catalogue(standard)
        self.rules = rules if rules is not None else load_rules(standard)
        self._exact = {match_key(text): entry for entry in self.functions for text in entry.texts}
        self._owners = np.array([index for index, entry in enumerate(self.functions)
                                 for _ in entry.texts])
        self._matrix: np.ndarray | None = None
        self._matrix_lock = threading.Lock()

    def entry(self, name: str) -> FunctionEntry:
        """The catalogued function with this name."""
        return next(entry for entry in self.functions if entry.name == name)

    def classify(self, text: str) -> ScopeVerdict:
        """The verdict on one function description."""
        return self.classify_many([text])[0]

    def classify_many(self, texts: Sequence[str],
                      on_progress: Callable[[int, int], None] | None = None) -> list[ScopeVerdict]:
        """Verdicts in input order; each distinct text is classified once."""
        if any(not text.strip() for text in texts):
            raise FunctionListError("职能描述为空:请写出要判断的职能,例如「外呼营销」。")
        unique = list(dict.fromkeys(texts))
        matrix = self._catalogue_matrix()
        verdicts: dict[str, ScopeVerdict] = {}
        for done, text in enumerate(unique, start=1):
            verdicts[text] = self._classify(text, matrix)
            if on_progress:
                on_progress(done, len(unique))
        return [verdicts[text] for text in texts]

    def _classify(self, text: str, matrix: np.ndarray) -> ScopeVerdict:
        norm = normalize(text)
        matches = [found for rule in self.rules if (found := rule.match(norm))]
        neighbours = self._neighbours(norm, matrix)
        nearest = tuple(neighbours[:NEAREST_COUNT])
        exact = self._exact.get(match_key(text))
        prohibited = [found for found in matches if found.verdict == "prohibited"]
        if prohibited and not (exact and exact.verdict == "prohibited"):
            return self._from_rules(text, prohibited, nearest, "prohibited")
        if exact:
            return self._from_entry(text, exact, matches, nearest, None)
        accepted = self._accepted(neighbours)
        if isinstance(accepted, Neighbour):
            return self._from_entry(text, accepted.entry, matches, nearest, accepted.similarity)
        softened = [found for found in matches if found.softened]
        if softened:
            return self._from_rules(text, matches, nearest, "caution")
        return self._review(text, matches, nearest, accepted)

    def _from_entry(self, text: str, entry: FunctionEntry, matches: list[RuleMatch],
                    nearest: tuple[Neighbour, ...], similarity: float | None) -> ScopeVerdict:
        verdict = entry.verdict
        if verdict == "prohibited" and any(found.softened for found in matches):
            verdict = "caution"  # a supporting role ("配合…") in a function that stays in-house
        cautions = [found for found in matches if found.verdict == "caution"]
        if verdict == "allowed" and cautions:
            verdict = "caution"
        lead = "" if similarity is None else f"与目录中的「{entry.name}」相近(相似度 {similarity:.2f})。"
        if verdict == "prohibited":
            cautions = []
        category = entry.category if verdict == entry.verdict else cautions[0].rule.category
        extra = [found.reason for found in cautions]
        citations = entry.citations + tuple(c for found in cautions for c in found.rule.citations)
        element = self.standard.heading(entry.element) if entry.element and verdict != "prohibited" \
            else ""
        grounds = " ".join([entry.reason, *extra])
        return ScopeVerdict(text, verdict, category, lead + grounds, _unique(citations), nearest,
                            element, entry.name, grounds)

    def _from_rules(self, text: str, matches: list[RuleMatch], nearest: tuple[Neighbour, ...],
                    verdict: str) -> ScopeVerdict:
        chosen = [found for found in matches if found.verdict == verdict]
        citations = tuple(citation for found in chosen for citation in found.rule.citations)
        reason = " ".join(found.reason for found in chosen)
        return ScopeVerdict(text, verdict, chosen[0].rule.category, reason, _unique(citations),
                            nearest, grounds=reason)

    def _review(self, text: str, matches: list[RuleMatch], nearest: tuple[Neighbour, ...],
                rivals: list[Neighbour]) -> ScopeVerdict:
        if len(rivals) == 1:
            top = rivals[0]
            why = (f"与目录中的「{top.entry.name}」({VERDICT_LABELS[top.entry.verdict]})有些相近"
                   f"(相似度 {top.similarity:.2f}),但不足以据此判定,请人工判断。")
        elif rivals:
            names = ";".join(f"「{item.entry.name}」{VERDICT_LABELS[item.entry.verdict]}"
                             for item in rivals)
            why = f"与目录中判定不同的条目同样接近({names}),无法判断能否外包,请人工判断。"
        else:
            top = nearest[0]
            why = (f"与职能目录中的条目都不够接近(最接近的是「{top.entry.name}」,相似度 "
                   f"{top.similarity:.2f}),无法判断能否外包,请人工判断。")
        reasons = [found.reason for found in matches] + [why]
        citations = tuple(c for found in matches for c in found.rule.citations)
        return ScopeVerdict(text, "review", "无法判断", " ".join(reasons),
                            _unique(citations + (self.standard.cite(NOT_SUITABLE),)), nearest)

    def _accepted(self, neighbours: list[Neighbour]) -> Neighbour | list[Neighbour]:
        """The one close catalogue entry, or (when unclear) the close rivals, possibly none."""
        top = neighbours[0]
        if top.similarity < self.calibration.scope_accept:
            return []
        rivals = [item for item in neighbours[1:]
                  if item.similarity >= top.similarity - self.calibration.scope_conflict_margin
                  and SEVERITY[item.entry.verdict] > SEVERITY[top.entry.verdict]]
        if not rivals:
            return top if top.entry.verdict != "prohibited" or \
                top.similarity >= self.calibration.scope_prohibited else [top]
        if all(item.entry.verdict == "caution" for item in rivals):
            return rivals[0]  # allowed or caution, equally close: err towards the conditions
        return [top, *rivals]

    def _neighbours(self, text: str, matrix: np.ndarray) -> list[Neighbour]:
        scores = matrix @ _unit(self.embeddings.embed_query(text))
        best = np.full(len(self.functions), -1.0)
        np.maximum.at(best, self._owners, scores)
        order = np.argsort(-best)
        return [Neighbour(self.functions[index], float(best[index])) for index in order]

    def _catalogue_matrix(self) -> np.ndarray:
        """Vectors of every catalogued name and alias: computed once, then kept in memory and
        (with a cache directory) on disk, keyed by the model and the texts."""
        with self._matrix_lock:
            if self._matrix is None:
                texts = tuple(normalize(text) for entry in self.functions for text in entry.texts)
                model_id = getattr(self.embeddings, "model_id", type(self.embeddings).__name__)
                digest = hashlib.sha256("\n".join((model_id, *texts)).encode()).hexdigest()[:16]
                path = self.cache_dir / f"scope-catalogue-{digest}.npy" if self.cache_dir else None
                matrix = _load_matrix(path, len(texts))
                if matrix is None:
                    matrix = np.stack([_unit(self.embeddings.embed_query(text)) for text in texts])
                    _save_matrix(path, matrix)
                self._matrix = matrix
            return self._matrix


def _load_matrix(path: Path | None, rows: int) -> np.ndarray | None:
    """A saved matrix of that many rows, or None (no file, a damaged one, another shape)."""
    if path is None or not path.is_file():
        return None
    try:
        matrix = np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        return None
    return matrix if matrix.ndim == 2 and matrix.shape[0] == rows else None


def _save_matrix(path: Path | None, matrix: np.ndarray) -> None:
    """Write atomically; a cache that cannot be written is only slower next time."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.stem}-{os.getpid()}.npy")
        np.save(partial, matrix)
        os.replace(partial, path)
    except OSError:
        pass


def _unit(vector: Sequence[float]) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    return array / (np.linalg.norm(array) or 1.0)


def _unique(citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
    return tuple(dict.fromkeys(citations))


