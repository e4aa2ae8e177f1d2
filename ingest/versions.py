"""What a new version of a document changes, clause by clause: the clauses added, removed and
changed (with the changed words marked), matched by clause number."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from ingest.documents import ParsedDocument

KINDS = {"added": "新增", "removed": "删除", "changed": "修改"}


@dataclass(frozen=True)
class ClauseChange:
    clause: str
    title: str
    kind: str  # added | removed | changed
    before: str = ""
    after: str = ""

    def pieces(self) -> list[tuple[str, str]]:
        """The text as (kind, words) pieces: "same", "removed" (only before) or "added" (only
        after), in reading order, for the page to mark."""
        if self.kind != "changed":
            return [("added" if self.kind == "added" else "removed", self.after or self.before)]
        pieces = []
        matcher = difflib.SequenceMatcher(None, self.before, self.after, autojunk=False)
        for operation, start, end, new_start, new_end in matcher.get_opcodes():
            if operation == "equal":
                pieces.append(("same", self.before[start:end]))
                continue
            if operation in ("replace", "delete"):
                pieces.append(("removed", self.before[start:end]))
            if operation in ("replace", "insert"):
                pieces.append(("added", self.after[new_start:new_end]))
        return pieces


@dataclass(frozen=True)
class VersionDiff:
    changes: tuple[ClauseChange, ...]
    unchanged: int = 0  # clauses the same in both versions

    def of_kind(self, kind: str) -> list[ClauseChange]:
        return [change for change in self.changes if change.kind == kind]

    def summary(self) -> str:
        """In one sentence: 新增 2 条、删除 1 条、修改 3 条 (or 条款没有变化)."""
        counts = [f"{label} {len(self.of_kind(kind))} 条" for kind, label in KINDS.items()
                  if self.of_kind(kind)]
        return "、".join(counts) if counts else "条款没有变化"

    def mostly_removed(self) -> bool:
        """More than half of the old version's clauses are gone: perhaps another document."""
        kept = sum(1 for change in self.changes if change.kind == "changed") + self.unchanged
        return len(self.of_kind("removed")) > kept

    def record(self) -> dict[str, list[str]]:
        """The clause numbers by kind, as the library's history keeps them."""
        return {kind: [change.clause for change in self.of_kind(kind)] for kind in KINDS}


def describe(record: dict[str, list[str]] | None) -> str:
    """A version's recorded changes as the history lists them: (新增 7.6;修改 7.2、8.1)."""
    if not record:
        return ""
    parts = [f"{label} {'、'.join(record[kind])}" for kind, label in KINDS.items() if record.get(kind)]
    return f"（{'；'.join(parts) if parts else '条款没有变化'}）"


def compare(old: ParsedDocument, new: ParsedDocument) -> VersionDiff:
    """The clauses of ``new`` against those of ``old``, in the new version's order (removed ones
    where they stood)."""
    before = {clause.clause: clause for clause in old.clauses}
    after = {clause.clause: clause for clause in new.clauses}
    changes = []
    for clause in old.clauses:
        if clause.clause not in after:
            changes.append(ClauseChange(clause.clause, clause.title, "removed", before=clause.text))
    for clause in new.clauses:
        previous = before.get(clause.clause)
        if previous is None:
            changes.append(ClauseChange(clause.clause, clause.title, "added", after=clause.text))
        elif (previous.title, previous.text) != (clause.title, clause.text):
            changes.append(ClauseChange(clause.clause, clause.title, "changed",
                                        before=previous.text, after=clause.text))
    order = {clause.clause: number for number, clause in enumerate(new.clauses)}
    old_order = {clause.clause: number for number, clause in enumerate(old.clauses)}
    changes.sort(key=lambda change: order.get(change.clause, old_order.get(change.clause, 0)))
    same = sum(1 for clause in new.clauses if clause.clause in before
               and (before[clause.clause].title, before[clause.clause].text)
               == (clause.title, clause.text))
    return VersionDiff(tuple(changes), same)
