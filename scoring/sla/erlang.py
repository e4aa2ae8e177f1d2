"""Erlang C staffing: agents needed for a call volume, handle time and service-level target."""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from scoring.sla.errors import SlaInputError

MAX_AGENTS = 10_000


@dataclass(frozen=True)
class StaffingInput:
    """One interval's traffic and the targets the roster must meet."""

    calls: float
    interval_s: float = 1800
    aht_s: float = 180
    target_level: float = 0.80
    target_answer_s: float = 20
    max_occupancy: float = 0.85
    shrinkage: float = 0.30

    def traffic(self) -> float:
        """Offered load in Erlangs: calls × AHT ÷ interval length."""
        return self.calls * self.aht_s / self.interval_s


@dataclass(frozen=True)
class Staffing:
    """Agents on the phones, what they achieve, and seats to roster after shrinkage."""

    agents: int
    traffic: float
    service_level: float
    wait_probability: float
    asa_s: float
    occupancy: float
    rostered: int

    def to_dict(self) -> dict[str, float | int]:
        """The result as a plain dict (JSON-ready)."""
        return asdict(self)


def wait_probability(traffic: float, agents: int) -> float:
    """Erlang C: the probability that a call has to wait (1.0 when agents ≤ traffic)."""
    if agents <= traffic:
        return 1.0
    if traffic <= 0:
        return 0.0
    # Erlang B by its stable recurrence, then C from B.
    blocking = 1.0
    for k in range(1, agents + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return agents * blocking / (agents - traffic * (1 - blocking))


def service_level(traffic: float, agents: int, aht_s: float, answer_s: float) -> float:
    """Share of calls answered within answer_s seconds."""
    if agents <= traffic:
        return 0.0
    waiting = wait_probability(traffic, agents)
    return max(0.0, 1 - waiting * math.exp(-(agents - traffic) * answer_s / aht_s))


def average_speed_of_answer(traffic: float, agents: int, aht_s: float) -> float:
    """Mean wait over all calls (ASA) in seconds; infinite when agents ≤ traffic."""
    if agents <= traffic:
        return math.inf
    return wait_probability(traffic, agents) * aht_s / (agents - traffic)


def evaluate(request: StaffingInput, agents: int) -> Staffing:
    """What a given number of agents achieves on this traffic."""
    traffic = request.traffic()
    rostered = math.ceil(round(agents / (1 - request.shrinkage), 9))
    return Staffing(
        agents=agents, traffic=traffic,
        service_level=service_level(traffic, agents, request.aht_s, request.target_answer_s),
        wait_probability=wait_probability(traffic, agents),
        asa_s=average_speed_of_answer(traffic, agents, request.aht_s),
        occupancy=traffic / agents if agents else math.inf, rostered=rostered)


def required_agents(request: StaffingInput) -> Staffing:
    """The fewest agents meeting the service-level target and the occupancy cap."""
    _check(request)
    traffic = request.traffic()
    agents = max(1, math.floor(traffic) + 1)
    while agents <= MAX_AGENTS:
        result = evaluate(request, agents)
        if (round(result.service_level, 9) >= request.target_level
                and round(result.occupancy, 9) <= request.max_occupancy):
            return result
        agents += 1
    raise SlaInputError(f"话务量过大:超过 {MAX_AGENTS} 名座席仍达不到目标。")


def _check(request: StaffingInput) -> None:
    if request.calls < 0 or request.interval_s <= 0 or request.aht_s <= 0:
        raise SlaInputError("呼入量不能为负,时段长度与平均处理时长必须大于 0。")
    if not 0 < request.target_level < 1:
        raise SlaInputError("服务水平目标应在 0% 与 100% 之间(不含两端)。")
    if not 0 < request.max_occupancy <= 1:
        raise SlaInputError("最高占用率应在 0% 与 100% 之间。")
    if not 0 <= request.shrinkage < 1:
        raise SlaInputError("缩减率应在 0% 与 100% 之间(不含 100%)。")
