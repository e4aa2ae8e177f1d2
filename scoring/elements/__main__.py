"""外包要素:所选要素组合的责任矩阵、要求清单、风险与服务目录草稿。

    python -m scoring.elements matrix 人员 系统 --json
    python -m scoring.elements matrix 管理 --other 知识库维护
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date

from cli import CommandLine
from scoring.elements.report import ElementReport, to_markdown
from scoring.elements.service_catalogue import check_scope, prohibited, target_text
from scoring.services import create_services


def matrix(args: argparse.Namespace) -> None:
    services = create_services()
    model = services.element_model
    plan = model.plan(model.combine(args.elements, args.other))
    verdicts = check_scope(services.scope_checker, [
        *plan.combination.others, *(item.name for item in plan.service_catalogue)])
    threshold_s = services.settings.sla_threshold_s
    if args.json:
        record = plan.to_dict()
        record["service_catalogue"] = [{
            "item": item.name, "element": item.element, "description": item.description,
            "indicator": item.indicator, "target": item.target, "target_text": target_text(item),
            "scope": verdicts[item.name].verdict, "scope_label": verdicts[item.name].label,
        } for item in plan.service_catalogue]
        record["prohibited"] = [verdict.function for verdict in prohibited(verdicts)]
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return
    document = model.standard.document
    print(to_markdown(ElementReport(
        "外包要素方案", date.today(), f"{document.info.short_name} {document.info.title}",
        plan, plan.service_catalogue, verdicts, threshold_s, tuple(document.gaps))))


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m scoring.elements", __doc__)
    command = commands.add("matrix", "责任矩阵、要求清单、风险与服务目录草稿", matrix)
    command.add_argument("elements", nargs="*", help="标准列出的要素:人员、运营场所、系统、管理")
    command.add_argument("--other", action="append", default=[], metavar="要素",
                         help="行方自行列出的其他要素(可重复),例如 --other 知识库维护")
    command.add_argument("--json", action="store_true", help="以 JSON 输出")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
