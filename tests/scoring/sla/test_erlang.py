"""Erlang C staffing, including the check value in DOMAIN.md."""
import math

import pytest

from scoring.sla.erlang import (
    StaffingInput,
    evaluate,
    required_agents,
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
    (StaffingInput(calls=0), 1),
    (StaffingInput(calls=1000, interval_s=1800, aht_s=300), 197),  # 166.7 Erlangs ÷ 0.85
])
def test_agents_for_other_requests(request_, agents):
    assert required_agents(request_).agents == agents


def test_overloaded_agents_never_meet_the_target():
    assert wait_probability(10, 10) == 1.0 and service_level(10, 9, 180, 20) == 0.0
    assert math.isinf(evaluate(StaffingInput(calls=100), 10).asa_s)


@pytest.mark.parametrize("request_", [
    StaffingInput(calls=-1), StaffingInput(calls=10, aht_s=0), StaffingInput(calls=10, target_level=1.0),
    StaffingInput(calls=10, shrinkage=1.0), StaffingInput(calls=10, max_occupancy=0)])
def test_impossible_requests_are_refused_in_chinese(request_):
    with pytest.raises(SlaInputError, match="[\u4e00-\u9fff]"):
        required_agents(request_)
