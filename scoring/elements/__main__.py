"""Command line: the responsibility matrix, requirements and draft 服务目录 of a combination.

    python -m scoring.elements matrix 人员 系统 --json
    python -m scoring.elements matrix 管理 --other 知识库维护
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date

from scoring.elements.model import ElementError, ElementModel
from scoring.elements.report import ElementReport, to_markdown
from scoring.elements.services import check_scope, target_text
from scoring.standard import CitationError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring.elements",
                                     description="外包要素:所选要素组合的责任矩阵、要求与服务目录草稿")
    commands = parser.add_subparsers(dest="command", required=True)
    matrix = commands.add_parser("matrix", help="责任矩阵、要求清单、风险与服务目录草稿")
    matrix.add_argument("elements", nargs="*", help="人员、运营场所、系统、管理、其他")
    matrix.add_argument("--other", action="append", default=[], metavar="要素",
                        help="其他要素(可重复),例如 --other 知识库维护")
    matrix.add_argument("--json", action="store_true", help="以 JSON 输出")
    args = parser.parse_args(argv)

    from knowledge.base import KnowledgeBase
    from scoring.scope import ScopeChecker
    from settings import load_settings

    base = KnowledgeBase(load_settings())
    try:
        model = ElementModel.from_documents(base.documents())
        plan = model.plan(model.combine(args.elements, args.other))
        checker = ScopeChecker.from_knowledge_base(base)
    except (ElementError, CitationError) as error:
        print(str(error), file=sys.stderr)
        return 2
    verdicts = check_scope(checker, [*plan.combination.others,
                                     *(item.name for item in plan.catalogue)])
    threshold_s = base.settings.sla_threshold_s
    if args.json:
        record = plan.to_dict()
        record["catalogue"] = [{
            "item": item.name, "element": item.element, "description": item.description,
            "indicator": item.indicator, "target": item.target, "target_text": target_text(item),
            "scope": verdicts[item.name].verdict, "scope_label": verdicts[item.name].label,
        } for item in plan.catalogue]
        record["prohibited"] = [v.function for v in verdicts.values() if v.verdict == "prohibited"]
        print(json.dumps(record, ensure_ascii=False, indent=2))
    else:
        document = model.standard.document
        print(to_markdown(ElementReport(
            "外包要素方案", date.today(), f"{document.info.short_name} {document.info.title}",
            plan, plan.catalogue, verdicts, threshold_s, tuple(document.gaps))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
