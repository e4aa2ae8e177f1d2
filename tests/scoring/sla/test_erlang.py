"""Erlang C and Erlang A staffing, including the check values in DOMAIN.md."""
import heapq
import math
import random

import pytest

from scoring.sla.erlang import (
    StaffingInput,
    evaluate,
    evaluate_abandoning,
    required_agents,
    required_agents_abandoning,
    service_level,
    wait_probability,
)
from scoring.sla.errors import SlaInputError


def test_the_domain_check_value_holds():
    result = required_agents(StaffingInput(calls=100, interval_s=1800, aht_s=180, target_level=0.80,
                                           target_answer_s=20, max_occupancy=0.85, shrinkage=0.30))
    assert (result.agents, result.rostered) == (14, 20)
    assert round(result.service_level, 4) == 0.8884
    assert round(result.wait_probability, 4) == 0.1741
    assert round(result.occupancy, 4) == 0.7143
    assert round(result.asa_s, 2) == 7.84


def test_one_agent_fewer_misses_the_target():
    assert round(evaluate(StaffingInput(calls=100), 13).service_level, 4) == 0.7956


@pytest.mark.parametrize("request_, agents", [
    (StaffingInput(calls=100, max_occupancy=0.70), 15),  # the occupancy cap binds: 10/15 ≤ 0.70
    (StaffingInput(calls=100, target_level=0.95), 16),
    (StaffingInput(calls=0), 0),  # no calls need no agents
    (StaffingInput(calls=1000, interval_s=1800, aht_s=300), 197),  # 166.7 Erlangs ÷ 0.85
])
def test_agents_for_other_requests(request_, agents):
    assert required_agents(request_).agents == agents


def test_overloaded_agents_never_meet_the_target():
    assert wait_probability(10, 10) == 1.0 and service_level(10, 9, 180, 20) == 0.0
    assert math.isinf(evaluate(StaffingInput(calls=100), 10).asa_s)


@pytest.mark.parametrize("request_", [
    StaffingInput(calls=-1), StaffingInput(calls=10, aht_s=0), StaffingInput(calls=10, target_level=1.0),
    StaffingInput(calls=10, shrinkage=1.0), StaffingInput(calls=10, max_occupancy=0),
    StaffingInput(calls=10, patience_s=0)])
def test_impossible_requests_are_refused_in_chinese(request_):
    with pytest.raises(SlaInputError, match="[\u4e00-\u9fff]"):
        required_agents(request_)


def test_no_calls_need_no_agents_under_either_model():
    for staffing in (required_agents(StaffingInput(calls=0)),
                     required_agents_abandoning(StaffingInput(calls=0, patience_s=120))):
        assert (staffing.agents, staffing.rostered, staffing.service_level) == (0, 0, 1.0)


@pytest.mark.parametrize("agents, abandon, waits, mean_wait, occupancy", [
    (12, 0.0616, 0.2798, 7.39, 0.7820),
    (13, 0.0384, 0.1937, 4.61, 0.7397),
    (14, 0.0228, 0.1270, 2.74, 0.6980),
])
def test_erlang_a_reproduces_the_domain_check_values(agents, abandon, waits, mean_wait, occupancy):
    result = evaluate_abandoning(StaffingInput(calls=100, aht_s=180, patience_s=120), agents)
    assert round(result.abandon_probability, 4) == abandon
    assert round(result.wait_probability, 4) == waits
    assert round(result.asa_s, 2) == mean_wait
    assert round(result.occupancy, 4) == occupancy


def test_erlang_a_with_endless_patience_is_erlang_c():
    result = evaluate_abandoning(StaffingInput(calls=100, patience_s=1e9), 14)
    assert round(result.wait_probability, 4) == 0.1741 and round(result.asa_s, 2) == 7.84
    assert round(result.service_level, 4) == 0.8884 and result.abandon_probability < 1e-6


def simulated_service_level(request: StaffingInput, agents: int, callers: int = 200_000) -> float:
    """A first-come-first-served queue whose callers hang up after an exponential patience."""
    rng = random.Random(7)
    free_at = [0.0] * agents
    clock = answered_in_time = 0
    for _ in range(callers):
        clock += rng.expovariate(request.calls / request.interval_s)
        start = max(clock, free_at[0])
        if start - clock > rng.expovariate(1 / request.patience_s):
            continue  # hung up before an agent was free
        heapq.heapreplace(free_at, start + rng.expovariate(1 / request.aht_s))
        answered_in_time += start - clock <= request.target_answer_s
    return answered_in_time / callers


@pytest.mark.parametrize("agents", [11, 12, 14])
def test_erlang_a_service_level_agrees_with_a_simulated_queue(agents):
    request = StaffingInput(calls=100, aht_s=180, patience_s=120)
    exact = evaluate_abandoning(request, agents).service_level
    assert exact == pytest.approx(simulated_service_level(request, agents), abs=0.01)


def test_erlang_a_needs_fewer_agents_than_erlang_c_when_callers_hang_up():
    request = StaffingInput(calls=100, aht_s=180, patience_s=120)
    abandoning = required_agents_abandoning(request)
    assert (abandoning.agents, abandoning.model) == (12, "A")
    assert evaluate_abandoning(request, 11).service_level < 0.80 <= abandoning.service_level
    assert required_agents(request).agents == 14
    assert required_agents_abandoning(StaffingInput(calls=100)).model == "C"  # patience unknown
