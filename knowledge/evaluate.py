"""问答质量评估:在问题集上计算引用命中率、拒答率与延迟(命令行:python -m scoring.assistant evaluate)。

问题集每行一个 JSON:{"q": "…", "clauses": ["5.1.2", …]}(范围内问题,最相关的条款在前;可加
"intent": "…",同一意图的几种问法分别计分);
{"q": "…", "off_topic": true}(与主题无关,应婉拒);{"q": "…", "uncovered": true}(属于本领域,
但已加载的文档没有回答,应答“未涉及”)。输出首个引用的 recall@1 与 recall@3、MRR、引文精确率、
范围内作答率、范围外拒答率、未涉及识别率,以及(预热后的)p50/p95 延迟。
"""
from __future__ import annotations

import time
from collections.abc import Callable

from knowledge.answer import Answer

FLOORS = {"recall_at_1": 0.90, "recall_at_3": 0.98, "quote_exactness": 1.0,
          "in_scope_acceptance": 0.95, "off_topic_refusal": 0.90}
REFUSED_KINDS = ("off_topic", "uncovered")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def evaluate(ask: Callable[[str], Answer], rows: list[dict]) -> dict:
    """Quality and latency figures of the assistant's answers to these questions."""
    for row in rows:  # warm-up: load the model and the index once
        ask(row["q"])
        break
    in_scope = [row for row in rows if not any(row.get(kind) for kind in REFUSED_KINDS)]
    off_topic = [row for row in rows if row.get("off_topic")]
    uncovered = [row for row in rows if row.get("uncovered")]
    hits1 = hits3 = accepted = refused = recognised = quotes = exact = 0
    intents: dict[str, list[bool]] = {}  # first citation right, per phrasing of each intent
    reciprocal = 0.0
    latencies = []
    misses = []
    for row in rows:
        started = time.perf_counter()
        answer = ask(row["q"])
        latencies.append((time.perf_counter() - started) * 1000)
        for citation in answer.citations:
            quotes += 1
            exact += citation.quote in citation.text
        if row.get("off_topic"):
            refused += not answer.covered
            continue
        if row.get("uncovered"):
            recognised += not answer.covered
            if answer.covered:
                misses.append({"q": row["q"], "expected": [], "cited": [c.clause for c in
                               answer.citations], "covered": True})
            continue
        accepted += answer.covered
        cited = [citation.clause for citation in answer.citations] or \
            [citation.clause for citation in answer.related]
        expected = row["clauses"]
        hits1 += bool(cited) and cited[0] == expected[0]
        if row.get("intent"):  # an intent holds in a phrasing answered from its clause
            hit = bool(cited) and cited[0] == expected[0] and answer.covered
            intents.setdefault(row["intent"], []).append(hit)
        hits3 += any(clause in cited[:3] for clause in expected)
        rank = next((n for n, clause in enumerate(cited, 1) if clause in expected), None)
        reciprocal += 1 / rank if rank else 0.0
        if not cited or cited[0] != expected[0] or not answer.covered:
            misses.append({"q": row["q"], "expected": expected, "cited": cited,
                           "covered": answer.covered})
    n = max(1, len(in_scope))
    return {
        "questions": len(rows), "in_scope": len(in_scope), "off_topic": len(off_topic),
        "uncovered": len(uncovered),
        "recall_at_1": hits1 / n, "recall_at_3": hits3 / n, "mrr": reciprocal / n,
        "quote_exactness": exact / quotes if quotes else 1.0,
        "in_scope_acceptance": accepted / n,
        "off_topic_refusal": refused / max(1, len(off_topic)),
        "uncovered_recognition": recognised / len(uncovered) if uncovered else None,
        "latency_p50_ms": _percentile(latencies, 0.5), "latency_p95_ms": _percentile(latencies, 0.95),
        "intents": {intent: {"phrasings": len(hits), "recall_at_1": sum(hits) / len(hits)}
                    for intent, hits in intents.items()},
        "intents_holding_all": _share(intents, lambda hits: all(hits)),
        "intents_holding_all_but_one": _share(intents, lambda hits: sum(hits) >= len(hits) - 1),
        "misses": misses,
    }


def _share(intents: dict[str, list[bool]], holds) -> float | None:
    """Share of the intents whose phrasings pass the test."""
    return sum(1 for hits in intents.values() if holds(hits)) / len(intents) if intents else None


def report_lines(report: dict) -> list[str]:
    """The report for people: the misses, then each figure against its floor."""
    lines = []
    for miss in report["misses"]:
        expected = miss["expected"] or "未涉及"
        lines.append(f"  未命中:{miss['q']}  期望 {expected}  引用 {miss['cited']}"
                     f"{'' if miss['covered'] else '  (判为未涉及)'}")
    lines.append(f"问题 {report['questions']} 个(范围内 {report['in_scope']},范围外 "
                 f"{report['off_topic']},文档未涉及 {report['uncovered']})")
    for key, label in [("recall_at_1", "recall@1"), ("recall_at_3", "recall@3"), ("mrr", "MRR"),
                       ("quote_exactness", "引文精确率"), ("in_scope_acceptance", "范围内作答率"),
                       ("off_topic_refusal", "范围外拒答率"),
                       ("uncovered_recognition", "未涉及识别率")]:
        if report[key] is None or (key == "off_topic_refusal" and not report["off_topic"]):
            continue
        floor = FLOORS.get(key)
        mark = "" if floor is None else ("  ✓" if report[key] >= floor else f"  ✗ (下限 {floor})")
        lines.append(f"{label:<12} {report[key]:.3f}{mark}")
    lines.append(f"延迟 p50 {report['latency_p50_ms']:.1f} ms,p95 {report['latency_p95_ms']:.1f} ms")
    if report["intents"]:
        lines.append("各意图的 recall@1(每个意图的几种问法):")
        lines += [f"  {intent:<10} {figures['recall_at_1']:.2f}({figures['phrasings']} 种问法)"
                  for intent, figures in report["intents"].items()]
        lines.append(f"所有问法都答对的意图 {report['intents_holding_all']:.2f},"
                     f"至多错一种的意图 {report['intents_holding_all_but_one']:.2f}")
    return lines
