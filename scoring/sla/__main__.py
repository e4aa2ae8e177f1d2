"""SLA看板的命令行:计算话单指标、生成示例话单、导入数据目录。

    python -m scoring.sla kpis FILE --by vendor|vendor,day|vendor,month [--threshold N] --json
    python -m scoring.sla sample --vendors 3 --days 90 --out FILE [--calls-per-day N] [--seed S]
    python -m scoring.sla import FILE [--partial]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from cli import CommandLine, fail
from settings import load_settings

# Each command imports what it needs: `kpis` starts without pandas, the store or the sign-in.


def kpis(args: argparse.Namespace) -> int:
    from scoring.sla.engine import file_kpis

    threshold = args.threshold
    if threshold is None:
        threshold = load_settings().sla_threshold_s
    result = file_kpis(Path(args.file), args.by, threshold, skip_invalid=args.skip_invalid)
    if result.rejected:
        for message in result.messages:
            print(message, file=sys.stderr)
        if not args.skip_invalid:
            return fail(f"共 {result.rejected} 行有错误,未计算。修正后重试,或加 --skip-invalid 只用有效行。")
        print(f"已跳过 {result.rejected} 行有错误的记录。", file=sys.stderr)
    if args.json:
        print(json.dumps(result.records, ensure_ascii=False, indent=1))
    else:
        for record in result.records:
            print(record)
    return 0


def sample(args: argparse.Namespace) -> None:
    from scoring.sla.sample import write_sample

    rows = write_sample(Path(args.out), vendors=args.vendors, days=args.days,
                        calls_per_day=args.calls_per_day, seed=args.seed)
    print(f"已写出示例话单 {rows:,} 条:{args.out}")


def import_file(args: argparse.Namespace) -> int:
    from access.gate import Gate
    from scoring.sla.store import SlaStore

    path, settings = Path(args.file), load_settings()
    gate = Gate.for_settings(settings)
    result = gate.perform(gate.command_line(), "sla.import", path.name, lambda: SlaStore.for_settings(
        settings).import_file(path, path.name, allow_partial=args.partial),
        summary=lambda result: result.summary(), succeeded=lambda result: result.stored)
    if not result.stored:
        for message in result.messages():
            print(message, file=sys.stderr)
        return fail(result.summary())
    print(result.summary())
    for message in result.messages():
        print(message, file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    commands = CommandLine("python -m scoring.sla", __doc__)
    command = commands.add("kpis", "按外包商(及日/月)计算话单的 SLA 指标", kpis)
    command.add_argument("file", help="话单文件(CSV、Excel .xlsx 或 Parquet)")
    command.add_argument("--by", default="vendor", choices=["vendor", "vendor,day", "vendor,month"])
    command.add_argument("--threshold", type=float, default=None,
                         help="服务水平门限 N 秒(默认取设置 CSC_SLA_THRESHOLD_S)")
    command.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行,只用有效行计算")
    command.add_argument("--json", action="store_true", help="输出 JSON")
    command = commands.add("sample", "生成示例话单(可重复的随机种子)", sample)
    command.add_argument("--vendors", type=int, default=3)
    command.add_argument("--days", type=int, default=90)
    command.add_argument("--calls-per-day", type=int, default=600, help="每个外包商每天的平均呼入量")
    command.add_argument("--seed", type=int, default=7)
    command.add_argument("--out", required=True, help="输出文件(.csv、.xlsx 或 .parquet)")
    command = commands.add("import", "把话单或报表导入数据目录中的 SLA 数据库", import_file)
    command.add_argument("file")
    command.add_argument("--partial", action="store_true", help="只导入有效行,跳过有错误的行")
    return commands.main(argv)


if __name__ == "__main__":
    sys.exit(main())
