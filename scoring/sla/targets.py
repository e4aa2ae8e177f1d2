"""Contract targets: one SlaTarget per indicator, a default template (targets.toml), saved edits."""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from scoring.sla.errors import SlaInputError
from scoring.sla.indicators import INDICATORS_BY_KEY, label

DEFAULT_SCOPE = "*"
DIRECTIONS = {">=": "≥", "<=": "≤"}
EDITOR_COLUMNS = ("指标", "方向", "目标值", "单位", "权重", "未达标扣款(月服务费 %)", "启用")


@dataclass(frozen=True)
class SlaTarget:
    """A contract target: the machine verdict (met) and the sentence a person reads (human)."""

    indicator: str
    direction: str  # ">=" or "<="
    target: float
    weight: float
    deduction_pct: float
    enabled: bool = True

    def met(self, value: float | None) -> bool | None:
        """True or False; None when the indicator has no data (not evaluated)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        measured, target = round(float(value), 9), round(self.target, 9)
        return measured >= target if self.direction == ">=" else measured <= target

    def human(self, threshold_s: float) -> str:
        """The target as a sentence, e.g. 20秒服务水平 ≥ 80.00%."""
        indicator = INDICATORS_BY_KEY[self.indicator]
        return f"{label(self.indicator, threshold_s)} {DIRECTIONS[self.direction]} {indicator.format(self.target)}"


@dataclass(frozen=True)
class Contract:
    """The targets of one vendor (or the default for all) and the monthly cap on deductions."""

    targets: tuple[SlaTarget, ...]
    cap_pct: float
    scope: str = DEFAULT_SCOPE

    def active(self) -> tuple[SlaTarget, ...]:
        """The targets that count (enabled)."""
        return tuple(target for target in self.targets if target.enabled)

    def deduction(self, missed: list[SlaTarget]) -> float:
        """Sum of the deductions of missed targets, at most the cap (% of the monthly fee)."""
        return min(self.cap_pct, sum(target.deduction_pct for target in missed))

    def notes(self, threshold_s: float) -> list[str]:
        """What a saved contract does that its author may not mean (allowed, but said)."""
        notes = []
        for target in self.active():
            if target.weight > 0:
                continue
            name = label(target.indicator, threshold_s)
            notes.append(f"「{name}」已启用但权重为 0：不计入达成得分，" + (
                f"未达标时仍扣月服务费的 {target.deduction_pct:g}%。" if target.deduction_pct > 0
                else "也不扣款，等于未启用。"))
        return notes

    def human(self, threshold_s: float) -> str:
        """The whole contract in one line, as the audit trail keeps it."""
        return "；".join([*(f"{target.human(threshold_s)}(权重 {target.weight:g}，未达标扣款 "
                            f"{target.deduction_pct:g}%)" for target in self.active()),
                          f"扣款上限 {self.cap_pct:g}%"])


def default_contract() -> Contract:
    """The template in targets.toml."""
    with open(Path(__file__).with_name("targets.toml"), "rb") as file:
        data = tomllib.load(file)
    targets = tuple(SlaTarget(item["indicator"], item["direction"], float(item["target"]),
                              float(item["weight"]), float(item["deduction_pct"]),
                              bool(item.get("enabled", True))) for item in data["target"])
    return Contract(targets, float(data["cap_pct"]))


def editor_frame(contract: Contract, threshold_s: float) -> pd.DataFrame:
    """The targets in the units people use (rates in %), indexed by indicator key."""
    rows = []
    for target in contract.targets:
        indicator = INDICATORS_BY_KEY[target.indicator]
        rows.append([label(target.indicator, threshold_s), DIRECTIONS[target.direction],
                     round(target.target * indicator.display_scale, 6), indicator.display_unit,
                     target.weight, target.deduction_pct, target.enabled])
    return pd.DataFrame(rows, columns=list(EDITOR_COLUMNS),
                        index=pd.Index([target.indicator for target in contract.targets], name="key"))


def contract_from_editor(frame: pd.DataFrame, cap_pct: float, scope: str) -> Contract:
    """Edited rows back to a Contract; every problem named in one Chinese message."""
    problems, targets = [], []
    symbols = {symbol: direction for direction, symbol in DIRECTIONS.items()}
    for key, row in frame.iterrows():
        indicator = INDICATORS_BY_KEY[str(key)]
        name = row["指标"]
        values = {column: row[column] for column in ("目标值", "权重", "未达标扣款(月服务费 %)")}
        if any(value is None or pd.isna(value) for value in values.values()):
            problems.append(f"{name}:目标值、权重与扣款都必须填写")
            continue
        target = float(values["目标值"]) / indicator.display_scale
        if row["方向"] not in symbols:
            problems.append(f"{name}:方向只能是 ≥ 或 ≤")
        problems += _target_problems(name, indicator, symbols.get(row["方向"]), target,
                                     float(values["目标值"]))
        if float(values["权重"]) < 0 or float(values["未达标扣款(月服务费 %)"]) < 0:
            problems.append(f"{name}:权重与扣款不能为负")
        targets.append(SlaTarget(indicator.key, symbols.get(row["方向"], ">="), target,
                                 float(values["权重"]), float(values["未达标扣款(月服务费 %)"]),
                                 bool(row["启用"])))
    if not 0 <= cap_pct <= 100:
        problems.append("扣款上限应在 0–100% 之间")
    if not problems and not any(target.enabled and target.weight > 0 for target in targets):
        problems.append("至少要有一个启用且权重大于 0 的指标")
    if problems:
        raise SlaInputError("目标未保存:" + ";".join(problems) + "。")
    return Contract(tuple(targets), float(cap_pct), scope)


def _target_problems(name: str, indicator, direction: str | None, target: float,
                     shown: float) -> list[str]:
    """A target outside its unit's range, one that every value meets, or a time of zero is
    refused."""
    unit, top = indicator.display_unit, {"rate": 1.0, "score": 100.0}.get(indicator.unit)
    if target < 0 or (top is not None and target > top):
        allowed = f"在 0–{top * indicator.display_scale:g}{unit} 之间" if top is not None else "不小于 0"
        return [f"{name}:目标值超出范围,应{allowed}"]
    if (direction == ">=" and target <= 0) or (direction == "<=" and top is not None
                                                 and target >= top):
        return [f"{name}:目标值 {DIRECTIONS[direction]} {shown:g}{unit} 总能达到,起不到约束作用"]
    if direction == "<=" and indicator.unit == "seconds" and target <= 0:
        return [f"{name}:目标值 ≤ 0{unit} 无法达到(每通呼叫都要零等待或零时长)"]
    return []


def load_contracts(store) -> dict[str, Contract]:
    """Saved contracts by scope ("*" for the default); the template when nothing is saved."""
    frame = store.query("SELECT * FROM targets")
    caps = dict(store.query("SELECT scope, cap_pct FROM contract_caps").itertuples(index=False))
    template = default_contract()
    contracts = {DEFAULT_SCOPE: template}
    for scope, rows in frame.groupby("scope", sort=False):
        saved = {row.indicator: SlaTarget(row.indicator, row.direction, row.target, row.weight,
                                          row.deduction_pct, bool(row.enabled))
                 for row in rows.itertuples()}
        # an indicator the saved contract does not name stays in the editor, switched off
        targets = tuple(saved.get(target.indicator, replace(target, enabled=False))
                        for target in template.targets)
        contracts[str(scope)] = Contract(targets, caps.get(scope, template.cap_pct), str(scope))
    return contracts


def save_contract(store, contract: Contract) -> None:
    """Replace the saved targets of this scope in one transaction."""
    with store.transaction() as cursor:
        cursor.execute("DELETE FROM targets WHERE scope = ?", [contract.scope])
        cursor.execute("DELETE FROM contract_caps WHERE scope = ?", [contract.scope])
        for target in contract.targets:
            cursor.execute("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [contract.scope, target.indicator, target.direction, target.target,
                            target.weight, target.deduction_pct, target.enabled])
        cursor.execute("INSERT INTO contract_caps VALUES (?, ?)", [contract.scope, contract.cap_pct])
        _touch(cursor)


def delete_contract(store, scope: str) -> None:
    """A vendor back on the default targets (or the default back on the template)."""
    with store.transaction() as cursor:
        cursor.execute("DELETE FROM targets WHERE scope = ?", [scope])
        cursor.execute("DELETE FROM contract_caps WHERE scope = ?", [scope])
        _touch(cursor)


def _touch(cursor) -> None:
    cursor.execute("INSERT OR REPLACE INTO meta VALUES ('targets', CAST(now() AS VARCHAR) || "
                   "CAST(random() AS VARCHAR))")


def contract_for(contracts: dict[str, Contract], vendor: str) -> Contract:
    """The vendor's own contract, else the default."""
    return contracts.get(vendor) or contracts[DEFAULT_SCOPE]


def unchanged(frame: pd.DataFrame, cap_pct: float, contract: Contract, scope: str) -> bool:
    """True when the editor for `scope` shows exactly this contract (no edits pending)."""
    try:
        return contract_from_editor(frame, cap_pct, scope) == replace(contract, scope=scope)
    except SlaInputError:
        return False
