"""Command line of the SLA board.

    python -m scoring.sla kpis FILE --by vendor|vendor,day|vendor,month [--threshold N] --json
    python -m scoring.sla sample --vendors 3 --days 90 --out FILE [--calls-per-day N] [--seed S]
    python -m scoring.sla import FILE [--partial]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoring.sla.errors import SlaInputError
from settings import load_settings


def _kpis(args: argparse.Namespace) -> int:
    from scoring.sla.engine import file_kpis

    threshold = args.threshold if args.threshold is not None else load_settings().sla_threshold_s
    result = file_kpis(Path(args.file), args.by, threshold, skip_invalid=args.skip_invalid)
    if result.rejected:
        for message in result.messages:
            print(message, file=sys.stderr)
        if not args.skip_invalid:
            print(f"共 {result.rejected} 行有错误,未计算。修正后重试,或加 --skip-invalid 只用有效行。",
                  file=sys.stderr)
            return 2
        print(f"已跳过 {result.rejected} 行有错误的记录。", file=sys.stderr)
    if args.json:
        print(json.dumps(result.records, ensure_ascii=False, indent=1))
    else:
        for record in result.records:
            print(record)
    return 0


def _sample(args: argparse.Namespace) -> int:
    from scoring.sla.sample import write_sample

    rows = write_sample(Path(args.out), vendors=args.vendors, days=args.days,
                        calls_per_day=args.calls_per_day, seed=args.seed)
    print(f"已写出示例话单 {rows:,} 条:{args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from scoring.sla.store import SlaStore

    settings = load_settings()
    store = SlaStore.for_settings(settings)
    path = Path(args.file)
    result = store.import_file(path, path.name, allow_partial=args.partial)
    print(result.summary())
    for message in result.messages():
        print(message, file=sys.stderr)
    return 0 if result.stored else 2


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; exit status 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m scoring.sla", description="SLA 看板的命令行")
    commands = parser.add_subparsers(dest="command", required=True)
    kpis = commands.add_parser("kpis", help="按外包商(及日/月)计算话单的 SLA 指标")
    kpis.add_argument("file", help="话单文件(CSV、Excel .xlsx 或 Parquet)")
    kpis.add_argument("--by", default="vendor", choices=["vendor", "vendor,day", "vendor,month"])
    kpis.add_argument("--threshold", type=float, default=None, help="服务水平门限 N 秒(默认取设置)")
    kpis.add_argument("--skip-invalid", action="store_true", help="跳过有错误的行,只用有效行计算")
    kpis.add_argument("--json", action="store_true", help="输出 JSON")
    sample = commands.add_parser("sample", help="生成示例话单(可重复的随机种子)")
    sample.add_argument("--vendors", type=int, default=3)
    sample.add_argument("--days", type=int, default=90)
    sample.add_argument("--calls-per-day", type=int, default=600, help="每个外包商每天的平均呼入量")
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--out", required=True, help="输出文件(.csv、.xlsx 或 .parquet)")
    imports = commands.add_parser("import", help="把话单或报表导入数据目录中的 SLA 数据库")
    imports.add_argument("file")
    imports.add_argument("--partial", action="store_true", help="只导入有效行,跳过有错误的行")
    args = parser.parse_args(argv)
    handler = {"kpis": _kpis, "sample": _sample, "import": _import}[args.command]
    try:
        return handler(args)
    except (SlaInputError, OSError) as error:
        print(f"错误:{error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
