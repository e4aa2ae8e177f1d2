"""Staffing: agents needed for a call volume, handle time and service-level target.

Erlang C (M/M/n) assumes callers wait for ever; Erlang A (M/M/n+M) lets every waiting caller hang
up at rate 1/patience, which is what callers do, so it needs fewer agents for the same target and
also tells how many callers give up. Erlang A is computed exactly from its birth–death chain.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

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
    patience_s: float | None = None  # callers' mean patience (Erlang A); None: Erlang C only

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
    abandon_probability: float = 0.0  # Erlang A only: the share of callers who hang up waiting
    model: str = "C"

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
    """What a given number of agents achieves on this traffic (Erlang C)."""
    traffic = request.traffic()
    return Staffing(
        agents=agents, traffic=traffic,
        service_level=service_level(traffic, agents, request.aht_s, request.target_answer_s),
        wait_probability=wait_probability(traffic, agents),
        asa_s=average_speed_of_answer(traffic, agents, request.aht_s),
        occupancy=traffic / agents if agents else math.inf, rostered=_rostered(request, agents))


def evaluate_abandoning(request: StaffingInput, agents: int) -> Staffing:
    """What a given number of agents achieves when callers hang up (Erlang A, M/M/n+M).

    The number of callers in the system is a birth–death chain: arrivals at rate λ, departures at
    min(k, n)/AHT + max(k − n, 0)/patience. From its stationary law: P(wait > 0) = P(K ≥ n),
    occupancy = E[busy agents]/n, P(abandon) = 1 − E[busy]/(λ·AHT), mean wait of all callers =
    E[queue]/λ. The service level (answered within t, over all callers) follows each caller from
    the queue position it arrives at (uniformisation of the position chain).
    """
    patience_s = request.patience_s
    if patience_s is None or math.isinf(patience_s):
        return evaluate(request, agents)
    traffic = request.traffic()
    if traffic == 0:
        return _idle(request, agents, "A")
    if agents == 0:
        return Staffing(0, traffic, 0.0, 1.0, patience_s, math.inf, 0, 1.0, "A")
    arrival, service, abandon = traffic / request.aht_s, 1 / request.aht_s, 1 / patience_s
    states = _stationary(arrival, service, abandon, agents)
    k = np.arange(len(states))
    busy = float(np.minimum(k, agents) @ states)
    queue = float(np.maximum(k - agents, 0) @ states)
    waiting = states[agents:]
    answered_within = float(states[:agents].sum()) + float(
        waiting @ _served_within(service * agents, abandon, len(waiting), request.target_answer_s))
    return Staffing(
        agents=agents, traffic=traffic, service_level=min(1.0, answered_within),
        wait_probability=float(waiting.sum()), asa_s=queue / arrival, occupancy=busy / agents,
        rostered=_rostered(request, agents),
        abandon_probability=max(0.0, 1 - busy / traffic), model="A")


def _stationary(arrival: float, service: float, abandon: float, agents: int) -> np.ndarray:
    """P(K = k) for k = 0 … up to where the tail is below 1e-17 of the peak."""
    beyond = max(0, math.ceil((arrival - agents * service) / abandon))  # the tail decays after it
    extra = beyond + 50 + math.ceil(10 * math.sqrt(arrival / abandon))
    while True:
        k = np.arange(1, agents + extra + 1)
        rates = service * np.minimum(k, agents) + abandon * np.maximum(k - agents, 0)
        log_p = np.concatenate(([0.0], np.cumsum(math.log(arrival) - np.log(rates))))
        if log_p[-1] < log_p.max() - 40:
            p = np.exp(log_p - log_p.max())
            return p / p.sum()
        extra *= 2


def _served_within(full_rate: float, abandon: float, positions: int, seconds: float) -> np.ndarray:
    """For a caller arriving at queue position j = 1 … positions: P(answered within `seconds`).

    At position i the caller moves up at rate n·μ + (i − 1)·θ (an agent frees up or someone ahead
    hangs up) and hangs up itself at rate θ. Uniformised at the fastest rate Λ, the chance of
    being answered by time t is Σ_m Poisson(m; Λt) · P(answered within m jumps).
    """
    i = np.arange(1, positions + 1)
    fastest = full_rate + positions * abandon
    move_up = (full_rate + (i - 1) * abandon) / fastest
    stay = 1 - (full_rate + i * abandon) / fastest
    mean = fastest * seconds
    steps = math.ceil(mean + 12 * math.sqrt(mean) + 30)
    reached = np.zeros(positions)  # P(answered within m jumps), m = 0 to begin with
    result = np.zeros(positions)
    log_weight = -mean  # log Poisson(0; Λt)
    for m in range(1, steps + 1):
        ahead = np.concatenate(([1.0], reached[:-1]))  # from position 1 the next step is answered
        reached = move_up * ahead + stay * reached
        log_weight += math.log(mean) - math.log(m)
        # P(answered by t) = Σ_m P(exactly m jumps by t) · P(answered within m jumps)
        weight = math.exp(log_weight) if log_weight > -745 else 0.0
        result += weight * reached
    # jumps beyond `steps` have negligible Poisson weight; the sum above counts each m ≥ 1
    return np.minimum(result, 1.0)


def _rostered(request: StaffingInput, agents: int) -> int:
    """Seats to roster: agents on the phones ÷ (1 − shrinkage), rounded up."""
    return math.ceil(round(agents / (1 - request.shrinkage), 9))


def _idle(request: StaffingInput, agents: int, model: str) -> Staffing:
    """No calls: nobody waits, nobody is busy."""
    return Staffing(agents, 0.0, 1.0, 0.0, 0.0, 0.0, _rostered(request, agents), 0.0, model)


def _meets(request: StaffingInput, result: Staffing) -> bool:
    return (round(result.service_level, 9) >= request.target_level
            and round(result.occupancy, 9) <= request.max_occupancy)


def required_agents(request: StaffingInput) -> Staffing:
    """The fewest agents meeting the service-level target and the occupancy cap (Erlang C);
    no calls need no agents."""
    _check(request)
    traffic = request.traffic()
    if traffic == 0:
        return _idle(request, 0, "C")
    agents = math.floor(traffic) + 1
    while agents <= MAX_AGENTS:
        result = evaluate(request, agents)
        if _meets(request, result):
            return result
        agents += 1
    raise SlaInputError(f"话务量过大:超过 {MAX_AGENTS} 名座席仍达不到目标。")


def required_agents_abandoning(request: StaffingInput) -> Staffing:
    """The fewest agents meeting the targets when callers hang up (Erlang A). Never more than
    Erlang C asks for: the search walks down from there."""
    if request.patience_s is None or math.isinf(request.patience_s):
        return required_agents(request)
    erlang_c = required_agents(replace(request, patience_s=None))
    best = evaluate_abandoning(request, erlang_c.agents)
    for agents in range(erlang_c.agents - 1, 0, -1):
        result = evaluate_abandoning(request, agents)
        if not _meets(request, result):
            break
        best = result
    return best


def _check(request: StaffingInput) -> None:
    if request.calls < 0 or request.interval_s <= 0 or request.aht_s <= 0:
        raise SlaInputError("呼入量不能为负,时段长度与平均处理时长必须大于 0。")
    if not 0 < request.target_level < 1:
        raise SlaInputError("服务水平目标应在 0% 与 100% 之间(不含两端)。")
    if not 0 < request.max_occupancy <= 1:
        raise SlaInputError("最高占用率应在 0% 与 100% 之间。")
    if not 0 <= request.shrinkage < 1:
        raise SlaInputError("缩减率应在 0% 与 100% 之间(不含 100%)。")
    if request.patience_s is not None and not request.patience_s > 0:
        raise SlaInputError("来电者平均耐心时长必须大于 0 秒。")
