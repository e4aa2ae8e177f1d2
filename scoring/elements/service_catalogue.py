"""The draft 服务目录 in the table editor: rows in, checked ServiceItems out; scope flags per row."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from scoring.elements.model import (
    OTHER,
    Combination,
    ElementError,
    ElementModel,
    Plan,
    ServiceItem,
    sla_template,
)
from scoring.scope.functions import match_key
from scoring.sla.indicators import INDICATORS_BY_KEY, label
from scoring.sla.targets import DIRECTIONS

if TYPE_CHECKING:
    from scoring.scope.checker import ScopeChecker, ScopeVerdict

EDITOR_COLUMNS = ("服务项目", "外包要素", "服务内容", "指标", "目标值")
MAX_NAME_CHARS = 60
MAX_DESCRIPTION_CHARS = 300


class ServiceCatalogueError(ElementError):
    """The edited 服务目录 has problems; ``problems`` lists each one in Chinese."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"服务目录有 {len(problems)} 处问题:" + ";".join(problems) + "。")


def indicator_option(key: str, threshold_s: float) -> str:
    """How the editor names an indicator: its SLA label and unit, e.g. "20秒服务水平(%)"."""
    return f"{label(key, threshold_s)}({INDICATORS_BY_KEY[key].display_unit})"


def indicator_options(threshold_s: float) -> dict[str, str]:
    """Editor option → SLA indicator key, for every indicator the SLA template has a target for."""
    return {indicator_option(key, threshold_s): key for key in sla_template()}


def target_text(item: ServiceItem) -> str:
    """The target as a contract states it, e.g. "≥ 80%" (direction from the SLA template)."""
    if not item.indicator or item.target is None:
        return ""
    indicator = INDICATORS_BY_KEY[item.indicator]
    direction = DIRECTIONS[sla_template()[item.indicator].direction]
    return f"{direction} {_shown(item.target * indicator.display_scale)}{indicator.display_unit}"


def editor_frame(items: Sequence[ServiceItem], threshold_s: float) -> pd.DataFrame:
    """The rows as the table editor shows them (targets in %, 秒 or 分)."""
    rows = [[item.name, item.element, item.description,
             indicator_option(item.indicator, threshold_s) if item.indicator else None,
             None if item.target is None
             else round(item.target * INDICATORS_BY_KEY[item.indicator].display_scale, 6)]
            for item in items]
    frame = pd.DataFrame(rows, columns=list(EDITOR_COLUMNS))
    return frame.astype({"目标值": "float64"})


def items_from_editor(frame: pd.DataFrame, combination: Combination, model: ElementModel,
                      threshold_s: float) -> list[ServiceItem]:
    """The edited rows as ServiceItems; every problem is named (row number and item)."""
    options = indicator_options(threshold_s)
    problems: list[str] = []
    items: list[ServiceItem] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(frame.reindex(columns=list(EDITOR_COLUMNS))
                                 .to_dict("records"), start=1):
        name, element, description, option = (_text(row[column]) for column in EDITOR_COLUMNS[:4])
        raw = _text(row["目标值"])
        if not any((name, element, description, option, raw)):
            continue  # a row added and left empty
        where = f"第 {number} 行「{name}」" if name else f"第 {number} 行"
        before = len(problems)
        if not name:
            problems.append(f"{where}:服务项目为空")
        elif len(name) > MAX_NAME_CHARS:
            problems.append(f"{where}:服务项目超过 {MAX_NAME_CHARS} 字")
        elif match_key(name) in seen:
            problems.append(f"{where}:与第 {seen[match_key(name)]} 行的服务项目重复")
        seen.setdefault(match_key(name), number)
        if element not in combination.elements:
            problems.append(f"{where}:外包要素「{element or '(空)'}」不在所选组合中"
                            f"(可选:{'、'.join(combination.elements)})")
        if len(description) > MAX_DESCRIPTION_CHARS:
            problems.append(f"{where}:服务内容超过 {MAX_DESCRIPTION_CHARS} 字")
        key = options.get(option, "")
        target = _number(raw)
        if option and not key:
            problems.append(f"{where}:指标「{option}」不是 SLA 看板的指标")
        elif key and not raw:
            problems.append(f"{where}:选了指标「{option}」,请填写目标值")
        elif raw and not key:
            problems.append(f"{where}:填了目标值 {raw},但没有选指标")
        elif raw and target is None:
            problems.append(f"{where}:目标值「{raw}」不是数字")
        elif key:
            problems += _target_problems(where, key, raw, target, model)
        if len(problems) == before:
            items.append(ServiceItem(name, element, description, key,
                                     None if not key else target / INDICATORS_BY_KEY[key].display_scale))
    if not problems and not items:
        problems.append("服务目录为空:请至少保留一个服务项目")
    if problems:
        raise ServiceCatalogueError(problems)
    return items


def count_edits(items: Sequence[ServiceItem], defaults: Sequence[ServiceItem]) -> tuple[int, int]:
    """How far the rows are from the default draft: (changed or added, removed)."""
    names = {item.name for item in items}
    return (sum(item not in defaults for item in items),
            sum(item.name not in names for item in defaults))


def rebase(frame: pd.DataFrame | None, before: Combination | None, plan: Plan,
           threshold_s: float) -> pd.DataFrame:
    """The edited rows carried over to a new combination: rows of dropped elements (and dropped
    其他 entries) leave, default rows of added ones join; edits to the rest are kept."""
    now = plan.combination
    if frame is None or before is None:
        return editor_frame(plan.service_catalogue, threshold_s)
    dropped = set(before.others) - set(now.others)
    elements = frame["外包要素"].map(_text)
    names = frame["服务项目"].map(_text)
    keep = (elements.isin(now.elements) | (elements == "")) & ~(
        (elements == OTHER) & names.isin(dropped))
    added_elements = set(now.elements) - set(before.elements) - {OTHER}
    added_others = set(now.others) - set(before.others)
    added = [item for item in plan.service_catalogue if item.element in added_elements
             or (item.element == OTHER and item.name in added_others)]
    parts = [frame[keep]] + ([editor_frame(added, threshold_s)] if added else [])
    return pd.concat(parts, ignore_index=True)


def check_scope(checker: ScopeChecker, names: Sequence[str]) -> dict[str, ScopeVerdict]:
    """The scope check's verdict on each service item or 其他 entry, by name."""
    unique = [name for name in dict.fromkeys(names) if name.strip()]
    return dict(zip(unique, checker.classify_many(unique))) if unique else {}


def unresolved(verdicts: Mapping[str, ScopeVerdict],
               overrides: Mapping[str, str]) -> list[ScopeVerdict]:
    """The 不得外包 items kept without a stated reason: saving and exporting wait for them."""
    return [verdict for verdict in prohibited(verdicts)
            if not overrides.get(verdict.function, "").strip()]


def prohibited(verdicts: Mapping[str, ScopeVerdict]) -> list[ScopeVerdict]:
    """The verdicts that say the function must not be outsourced."""
    return [verdict for verdict in verdicts.values() if verdict.verdict == "prohibited"]


def _target_problems(where: str, key: str, raw: str, target: float,
                     model: ElementModel) -> list[str]:
    """A target outside the unit's range, or one that is always met, is refused."""
    indicator = INDICATORS_BY_KEY[key]
    low, high = model.target_ranges[indicator.unit]
    unit = indicator.display_unit
    if not low <= target <= high:
        return [f"{where}:目标值 {raw}{unit} 不合理,应在 {_shown(low)}–{_shown(high)}{unit} 之间"]
    direction = sla_template()[key].direction
    if (direction == ">=" and target <= low) or (direction == "<=" and target >= high):
        return [f"{where}:目标值 {DIRECTIONS[direction]} {raw}{unit} 总能达到,起不到约束作用"]
    return []


def _text(value) -> str:
    """A cell as trimmed text; empty for None and NaN, numbers without a trailing ".0"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _shown(float(value))
    return " ".join(str(value).split())


def _number(text: str) -> float | None:
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        return None
    return None if math.isnan(value) else value


def _shown(value: float) -> str:
    return f"{round(value, 6):g}"
