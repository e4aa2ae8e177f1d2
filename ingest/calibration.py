"""Similarity thresholds calibrated per embedding model (calibration.toml)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

CALIBRATION_FILE = Path(__file__).with_name("calibration.toml")


@dataclass(frozen=True)
class Calibration:
    """The thresholds of one embedding model; ``measured`` is False when the model has no row
    of its own and borrows the default row."""

    model: str
    scope_accept: float
    scope_prohibited: float
    scope_conflict_margin: float
    answer_min_similarity: float
    measured: bool = True
    borrowed_from: str = ""

    @property
    def notice(self) -> str | None:
        """What a user should know when the thresholds were not measured for this model."""
        if self.measured:
            return None
        return (f"向量模型「{self.model}」还没有校准数据:范围自检与智能问答的相似度门限暂用"
                f"「{self.borrowed_from}」的数值,判定可能偏严或偏松。请用 `python bench/calibrate.py`"
                " 测量该模型,并把结果加入 ingest/calibration.toml。")


@cache
def _table(path: Path = CALIBRATION_FILE) -> tuple[str, dict[str, dict[str, float]]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rows = data["model"]
    # a model that is another one under a different name (a served copy) takes that one's row
    return data["default"], {name: rows[row["same_as"]] if "same_as" in row else row
                             for name, row in rows.items()}


def calibration_for(model: str, answer_min_similarity: float | None = None) -> Calibration:
    """The model's calibration (the default row, marked unmeasured, for a model without one);
    a configured answer threshold replaces the calibrated one."""
    default, rows = _table()
    row = rows.get(model)
    calibration = Calibration(model, **row) if row else \
        Calibration(model, **rows[default], measured=False, borrowed_from=default)
    if answer_min_similarity is not None:
        calibration = replace(calibration, answer_min_similarity=answer_min_similarity)
    return calibration
