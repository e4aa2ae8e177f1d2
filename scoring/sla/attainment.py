"""Per vendor and month: each target met or missed, a weighted score 0–100, the deduction, trend."""
from __future__ import annotations

import pandas as pd

from scoring.sla.targets import Contract, contract_for

DETAIL_COLUMNS = ["vendor", "period", "indicator", "value", "direction", "target", "weight",
                  "deduction_pct", "met"]
SUMMARY_COLUMNS = ["vendor", "period", "score", "deduction_pct", "met", "missed", "unevaluated",
                   "change"]


def attainment(monthly: pd.DataFrame,
               contracts: dict[str, Contract]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Details (one row per vendor, month and target) and a summary per vendor and month.

    score = 100 × weight of met targets ÷ weight of evaluated targets (no data: not evaluated);
    deduction = sum of the deductions of missed targets, at most the contract's cap;
    change = score − the vendor's score in its previous month with data.
    """
    details, summary = [], []
    for record in monthly.sort_values(["vendor", "period"]).to_dict("records"):
        contract = contract_for(contracts, record["vendor"])
        verdicts = [(target, target.met(record.get(target.indicator)))
                    for target in contract.active()]
        details += [[record["vendor"], record["period"], target.indicator,
                     record.get(target.indicator), target.direction, target.target,
                     target.weight, target.deduction_pct, met] for target, met in verdicts]
        evaluated = sum(target.weight for target, met in verdicts if met is not None)
        achieved = sum(target.weight for target, met in verdicts if met)
        missed = [target for target, met in verdicts if met is False]
        summary.append([record["vendor"], record["period"],
                        100 * achieved / evaluated if evaluated else None,
                        contract.deduction(missed), sum(1 for _, met in verdicts if met),
                        len(missed), sum(1 for _, met in verdicts if met is None), None])
    detail_frame = pd.DataFrame(details, columns=DETAIL_COLUMNS)
    summary_frame = pd.DataFrame(summary, columns=SUMMARY_COLUMNS)
    summary_frame["score"] = summary_frame["score"].astype("Float64")
    summary_frame["change"] = summary_frame.groupby("vendor")["score"].diff()
    return detail_frame, summary_frame
