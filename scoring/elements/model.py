"""The element definitions (elements.toml) and what a chosen combination of elements implies."""
from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from errors import UserError
from ingest.documents import ParsedDocument
from scoring.scope.functions import match_key
from scoring.sla.indicators import INDICATORS_BY_KEY
from scoring.sla.targets import SlaTarget, default_contract
from scoring.standard import Citation, Standard

ELEMENTS_FILE = Path(__file__).with_name("elements.toml")
OTHER = "其他"
OTHERS_PLACEHOLDER = "{others}"
SHARED = "全部要素"
BANK, CONTRACTOR = "bank", "contractor"
PARTY_LABELS = {BANK: "发包方", CONTRACTOR: "承包方"}
PARTIES = {"bank": frozenset({BANK}), "contractor": frozenset({CONTRACTOR}),
           "both": frozenset({BANK, CONTRACTOR})}
BANK_ONLY = PARTIES["bank"]
MAX_OTHERS = 20
MAX_OTHER_CHARS = 40


class ElementError(UserError):
    """A choice or an edit that cannot be used as given; ``str(error)`` is shown to the user."""


@cache
def sla_template() -> dict[str, SlaTarget]:
    """The SLA page's default contract targets by indicator key (scoring/sla/targets.toml)."""
    return {target.indicator: target for target in default_contract().targets}


@dataclass(frozen=True)
class Resource:
    """A resource of the center and who provides and manages it while its element is outsourced."""

    name: str
    element: str  # an element name, or SHARED
    provide: frozenset[str]
    manage: frozenset[str]
    citations: tuple[Citation, ...] = ()

    @property
    def kept(self) -> bool:
        """The bank keeps it even when its element is outsourced."""
        return self.provide == self.manage == BANK_ONLY


@dataclass(frozen=True)
class Responsibility:
    """One row of the responsibility matrix for a given combination."""

    resource: Resource
    provide: frozenset[str]
    manage: frozenset[str]

    def has(self, party: str, role: str) -> bool:
        """Whether ``party`` (bank/contractor) has ``role`` (provide/manage) for this resource."""
        return party in (self.provide if role == "provide" else self.manage)

    def to_dict(self) -> dict:
        return {"resource": self.resource.name, "element": self.resource.element,
                **{party: {role: self.has(party, role) for role in ("provide", "manage")}
                   for party in PARTY_LABELS},
                "clauses": list(dict.fromkeys(c.reference for c in self.resource.citations))}


@dataclass(frozen=True)
class Requirement:
    text: str
    citation: Citation
    elements: tuple[str, ...]
    inferred: bool = False  # the cited clause's number is inferred in the loaded text

    def to_dict(self) -> dict:
        return {"requirement": self.text, "elements": list(self.elements),
                "clause": self.citation.clause, "reference": self.citation.reference,
                "quote": self.citation.quote, "inferred": self.inferred}


@dataclass(frozen=True)
class Risk:
    risk: str
    control: str
    elements: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"risk": self.risk, "control": self.control, "elements": list(self.elements)}


@dataclass(frozen=True)
class ServiceItem:
    """A row of the 服务目录; the target is in the SLA's units (rates as fractions)."""

    name: str
    element: str
    description: str = ""
    indicator: str = ""  # an SLA indicator key, or "" for none
    target: float | None = None


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    clause: str
    heading: str  # as the loaded text has it, e.g. "4.3 运营场所外包"
    summary: str
    resources: tuple[Resource, ...]
    requirements: tuple[Requirement, ...]
    risks: tuple[Risk, ...]
    indicators: tuple[str, ...]
    services: tuple[ServiceItem, ...]


@dataclass(frozen=True)
class ElementSummary:
    """For one chosen element: what the contractor provides and manages, what the bank keeps."""

    name: str
    heading: str
    summary: str
    contractor_provides: tuple[str, ...]
    contractor_manages: tuple[str, ...]
    bank_keeps: tuple[str, ...]


@dataclass(frozen=True)
class Combination:
    elements: tuple[str, ...]  # element names in the order of the standard
    others: tuple[str, ...] = ()  # the bank's own 其他 entries

    @property
    def label(self) -> str:
        """E.g. "人员+系统+其他(知识库维护)"."""
        return "+".join(f"{OTHER}({'、'.join(self.others)})" if name == OTHER else name
                        for name in self.elements)


@dataclass(frozen=True)
class Plan:
    """Everything a combination implies: the matrix, requirements, risks and a draft 服务目录."""

    combination: Combination
    responsibilities: tuple[Responsibility, ...]
    summaries: tuple[ElementSummary, ...]
    requirements: tuple[Requirement, ...]
    risks: tuple[Risk, ...]
    indicators: tuple[tuple[str, tuple[str, ...]], ...]  # (SLA key, the elements suggesting it)
    service_catalogue: tuple[ServiceItem, ...]  # the draft 服务目录

    def to_dict(self) -> dict:
        return {"elements": list(self.combination.elements), "others": list(self.combination.others),
                "matrix": [row.to_dict() for row in self.responsibilities],
                "requirements": [item.to_dict() for item in self.requirements],
                "risks": [item.to_dict() for item in self.risks],
                "indicators": [{"indicator": key, "elements": list(names)}
                               for key, names in self.indicators]}


class ElementModel:
    """The element definitions, every quotation checked against the loaded standard."""

    def __init__(self, standard: Standard, data: dict):
        self.standard = standard
        self.shared_resources = tuple(self._resource(item, SHARED) for item in data["shared"])
        self.shared_requirements = tuple(self._requirement(item, SHARED)
                                         for item in data["shared_requirement"])
        self.elements = tuple(self._element(item) for item in data["element"])
        self.target_ranges = {unit: (float(low), float(high))
                              for unit, (low, high) in data["target_range"].items()}
        if [element.name for element in self.elements][-1] != OTHER:
            raise ValueError(f"{ELEMENTS_FILE.name}: 最后一个要素应为「{OTHER}」。")

    @classmethod
    def from_documents(cls, documents: list[ParsedDocument],
                       path: Path = ELEMENTS_FILE) -> ElementModel:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(Standard.from_documents(documents, path), data)

    @property
    def names(self) -> list[str]:
        return [element.name for element in self.elements]

    def element(self, name: str) -> Element:
        return next(element for element in self.elements if element.name == name)

    def combine(self, elements: Iterable[str], others: Iterable[str] = ()) -> Combination:
        """The chosen standard elements and the bank's own 其他 entries; an element name the
        standard does not list is refused."""
        elements = [" ".join(name.split()) for name in elements]
        unknown = [name for name in elements if name not in self.names]
        if unknown:
            raise ElementError(
                f"未知的外包要素「{'」「'.join(unknown)}」:标准列出的要素是{'、'.join(self.names)}。"
                f"行方自行列出的要素请作为「{OTHER}」要素的条目单独填写。")
        picked = set(elements)
        typed = [" ".join(text.split()) for text in others if text.strip()]
        self._check_others(typed)
        if typed:
            picked.add(OTHER)
        elif OTHER in picked:
            raise ElementError(f"选择了「{OTHER}」:请逐行写出要外包的其他要素,例如「知识库维护」。")
        if not picked:
            raise ElementError("还没有选择外包要素:请至少选择一个(人员、运营场所、系统、管理或其他)。")
        return Combination(tuple(name for name in self.names if name in picked), tuple(typed))

    def combine_choices(self, choices: Iterable[str]) -> Combination:
        """Choices from one list where a name that is not a standard element is a 其他 entry
        (the comparison's picker, which accepts typed names)."""
        choices = list(choices)
        return self.combine([name for name in choices if name in self.names],
                            [name for name in choices if name not in self.names])

    def plan(self, combination: Combination) -> Plan:
        """The responsibility matrix, merged requirements and risks, and the draft 服务目录."""
        others = combination.others
        chosen = [self.element(name) for name in combination.elements]
        rows = [Responsibility(resource, resource.provide, resource.manage)
                for resource in self.shared_resources]
        for element in self.elements:
            outsourced = element.name in combination.elements
            rows += [Responsibility(resource, resource.provide, resource.manage) if outsourced
                     else Responsibility(resource, BANK_ONLY, BANK_ONLY)
                     for resource in _expand(element.resources, others)]
        requirements: dict[tuple, list[str]] = {}
        for requirement in self.shared_requirements + tuple(
                item for element in chosen for item in element.requirements):
            requirements.setdefault((requirement.text, requirement.citation, requirement.inferred),
                                    []).extend(requirement.elements)
        risks: dict[tuple, list[str]] = {}
        for risk in (item for element in chosen for item in element.risks):
            risks.setdefault((risk.risk, risk.control), []).extend(risk.elements)
        indicators: dict[str, list[str]] = {}
        for element in chosen:
            for key in element.indicators:
                indicators.setdefault(key, []).append(element.name)
        return Plan(
            combination, tuple(rows), tuple(self._summary(element, others) for element in chosen),
            tuple(Requirement(_fill(text, others), citation, tuple(names), inferred)
                  for (text, citation, inferred), names in requirements.items()),
            tuple(Risk(_fill(risk, others), _fill(control, others), tuple(names))
                  for (risk, control), names in risks.items()),
            tuple((key, tuple(names)) for key, names in indicators.items()),
            tuple(item for element in chosen for item in _expand(element.services, others)))

    def _summary(self, element: Element, others: Sequence[str]) -> ElementSummary:
        resources = _expand(element.resources, others)
        return ElementSummary(
            element.name, element.heading, _fill(element.summary, others),
            tuple(r.name for r in resources if CONTRACTOR in r.provide),
            tuple(r.name for r in resources if CONTRACTOR in r.manage),
            tuple(r.name for r in resources if r.kept))

    def _check_others(self, typed: list[str]) -> None:
        standard = {match_key(name): name for name in self.names}
        seen: dict[str, str] = {}
        problems = []
        for text in typed:
            key = match_key(text)
            if not key:
                problems.append(f"其他要素「{text}」没有文字")
            elif key in standard:
                problems.append(f"「{text}」是标准列出的要素「{standard[key]}」,请直接选择,不要填在其他要素里")
            elif key in seen:
                problems.append(f"其他要素「{text}」与「{seen[key]}」重复,每项只填一次")
            elif len(text) > MAX_OTHER_CHARS:
                problems.append(f"其他要素「{text[:10]}…」超过 {MAX_OTHER_CHARS} 字,请只写要素名称")
            seen.setdefault(key, text)
        if len(typed) > MAX_OTHERS:
            problems.append(f"其他要素最多 {MAX_OTHERS} 项,现有 {len(typed)} 项")
        if problems:
            raise ElementError(";".join(problems) + "。")

    def _element(self, item: dict) -> Element:
        name = item["name"]
        for key in item["indicators"] + [s["indicator"] for s in item["service"] if "indicator" in s]:
            if key not in INDICATORS_BY_KEY or key not in sla_template():
                raise ValueError(f"{ELEMENTS_FILE.name}: 要素「{name}」的指标「{key}」不是 SLA 看板的指标。")
        return Element(
            id=item["id"], name=name, clause=item["clause"],
            heading=self.standard.heading(item["clause"]), summary=item["summary"],
            resources=tuple(self._resource(resource, name) for resource in item["resource"]),
            requirements=tuple(self._requirement(r, name) for r in item["requirement"]),
            risks=tuple(Risk(r["risk"], r["control"], (name,)) for r in item["risk"]),
            indicators=tuple(item["indicators"]),
            services=tuple(ServiceItem(s["name"], name, s.get("description", ""),
                                       s.get("indicator", ""), _default_target(s.get("indicator")))
                           for s in item["service"]))

    def _resource(self, item: dict, element: str) -> Resource:
        return Resource(item["name"], element, PARTIES[item["provide"]], PARTIES[item["manage"]],
                        tuple(self.standard.cite(key) for key in item["cites"]))

    def _requirement(self, item: dict, element: str) -> Requirement:
        citation = self.standard.cite(item["cite"])
        inferred = "inferred" in self.standard.clauses[citation.clause].flags
        return Requirement(item["text"], citation, (element,), inferred)


def _default_target(indicator: str | None) -> float | None:
    return sla_template()[indicator].target if indicator else None


def _fill(text: str, others: Sequence[str]) -> str:
    return text.replace(OTHERS_PLACEHOLDER, "、".join(others))


def _expand(items: Iterable, others: Sequence[str]) -> list:
    """Resources or service rows named {others}: one per 其他 entry (none when there are none)."""
    expanded = []
    for item in items:
        if item.name != OTHERS_PLACEHOLDER:
            expanded.append(item)
            continue
        for name in others:
            fields = {"name": name}
            if isinstance(item, ServiceItem):
                fields["description"] = _fill(item.description, others)
            expanded.append(replace(item, **fields))
    return expanded
