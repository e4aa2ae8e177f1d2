"""Benchmark: KPIs by vendor × day for 10 million call records (CSV and Parquet) against a bare
DuckDB query and pandas.

    python bench/sla_kpis.py [--rows 10000000] [--dir /tmp/sla-bench] [--runs 3] [--skip-pandas]

Writes seeded sample records once into --dir (outside the repository; reused on later runs),
then times the command a user runs, `python -m scoring.sla kpis FILE --by vendor,day --json`
(every row checked against the rules, then the KPIs); the same KPIs as one bare DuckDB
scan-and-aggregate of the file (DuckDB's own types, no checks); and a straightforward pandas
version (read, derive, groupby; no checks). Each run is its own process started by a parent that
never held the data (Linux keeps a forked parent's peak in the child's max RSS), so its peak
memory is its own; ours and DuckDB's times are the median of --runs runs. Floors for ours:
≤ 20 s, ≤ 4 GB, ≤ 1.5 × the bare DuckDB query.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VENDORS, DAYS, THRESHOLD_S = 3, 90, 20
TIMES = ["arrived_at", "answered_at", "ended_at"]
COMPARED = ["offered", "answered", "abandoned", "service_level", "answer_rate", "abandon_rate",
            "asa_s", "aht_s", "fcr_rate", "csat_rate", "qa_avg", "complaint_rate"]


def make_data(directory: Path, rows: int) -> tuple[Path, Path]:
    """The sample as CSV and Parquet (made once per row count)."""
    import duckdb

    from scoring.sla.sample import write_sample

    directory.mkdir(parents=True, exist_ok=True)
    csv, parquet = directory / f"calls_{rows}.csv", directory / f"calls_{rows}.parquet"
    if not csv.exists():
        per_day = math.ceil(rows / (VENDORS * DAYS) * 1.03)
        started = time.perf_counter()
        written = write_sample(csv, vendors=VENDORS, days=DAYS, calls_per_day=per_day, limit=rows)
        print(f"wrote {written:,} rows to {csv} in {time.perf_counter() - started:.0f} s")
    if not parquet.exists():
        duckdb.execute(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)")
    return csv, parquet


def measure(command: list[str], output: Path, runs: int = 1) -> tuple[float, float]:
    """Median wall seconds and the largest peak resident memory (GB) of `runs` runs."""
    seconds, peaks = [], []
    for _ in range(runs):
        with open(output, "w") as sink:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=ROOT, stdout=sink)
            _, status, usage = os.wait4(process.pid, 0)
            seconds.append(time.perf_counter() - started)
        if status != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
        peaks.append(usage.ru_maxrss / 1024 / 1024)
    return statistics.median(seconds), max(peaks)


def duckdb_kpis(path: Path) -> list[dict]:
    """The same KPIs as one DuckDB query straight over the file: no checks, DuckDB's own types."""
    import duckdb

    from scoring.sla.kpis import kpi_records

    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        return kpi_records(connection, f"SELECT * FROM {reader}('{path}')", "vendor,day",
                           THRESHOLD_S)


def pandas_kpis(path: Path) -> list[dict]:
    """The same KPIs the plain pandas way."""
    import pandas as pd

    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, parse_dates=TIMES)
    answered = frame["answered_at"].notna()
    wait = (frame["answered_at"].fillna(frame["ended_at"]) - frame["arrived_at"]).dt.total_seconds()
    work = pd.DataFrame({
        "vendor": frame["vendor"], "period": frame["arrived_at"].dt.normalize(),
        "answered": answered, "within": answered & (wait <= THRESHOLD_S),
        "wait": wait.where(answered),
        "handle": (frame["talk_s"] + frame["hold_s"].fillna(0) + frame["acw_s"].fillna(0)).where(answered),
        "fcr": frame["resolved_first_contact"], "csat": (frame["csat"] >= 4).where(frame["csat"].notna()),
        "qa": frame["qa_score"], "complaint": frame["complaint"]})
    groups = work.groupby(["vendor", "period"]).agg(
        offered=("answered", "size"), answered=("answered", "sum"), within=("within", "sum"),
        asa_s=("wait", "mean"), aht_s=("handle", "mean"), fcr_rate=("fcr", "mean"),
        csat_rate=("csat", "mean"), qa_avg=("qa", "mean"), complaints=("complaint", "sum"),
        rated=("complaint", "count")).reset_index()
    groups["abandoned"] = groups["offered"] - groups["answered"]
    groups["service_level"] = groups["within"] / groups["offered"]
    groups["answer_rate"] = groups["answered"] / groups["offered"]
    groups["abandon_rate"] = groups["abandoned"] / groups["offered"]
    groups["complaint_rate"] = (groups["complaints"] / groups["answered"]).where(
        (groups["rated"] > 0) & (groups["answered"] > 0))
    groups["period"] = groups["period"].dt.strftime("%Y-%m-%d")
    records = groups[["vendor", "period", *COMPARED]].to_dict("records")
    return [{key: (None if isinstance(value, float) and math.isnan(value) else value)
             for key, value in record.items()} for record in records]


def agree(ours: list[dict], theirs: list[dict]) -> bool:
    """Same groups and the same values (to 1e-6, ours are rounded to 6 decimals)."""
    theirs_by_key = {(row["vendor"], row["period"]): row for row in theirs}
    if len(ours) != len(theirs_by_key):
        return False
    for row in ours:
        other = theirs_by_key.get((row["vendor"], row["period"]))
        if other is None:
            return False
        for key in COMPARED:
            if (row[key] is None) != (other[key] is None):
                return False
            if row[key] is not None and abs(row[key] - other[key]) > 1e-5 * max(1, abs(other[key])):
                return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sla-bench"))
    parser.add_argument("--runs", type=int, default=3, help="runs of ours and DuckDB (median)")
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--data-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pandas-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--duckdb-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_worker:
        print(json.dumps(pandas_kpis(args.pandas_worker), ensure_ascii=False))
        return 0
    if args.duckdb_worker:
        print(json.dumps(duckdb_kpis(args.duckdb_worker), ensure_ascii=False))
        return 0
    if args.data_worker:
        make_data(args.dir, args.rows)
        return 0
    subprocess.run([sys.executable, __file__, "--data-worker", "--dir", str(args.dir), "--rows",
                    str(args.rows)], check=True)  # in a child: this process stays small
    files = args.dir / f"calls_{args.rows}.csv", args.dir / f"calls_{args.rows}.parquet"
    print(f"{os.cpu_count()} CPUs, load average before the runs {os.getloadavg()[0]:.2f}")
    table = ["| 格式 | 本实现(含逐行校验) | 峰值内存 | 纯 DuckDB 查询 | 本实现 ÷ DuckDB | pandas | 峰值内存 "
             "| pandas ÷ 本实现 | 结果一致 |", "|---|---|---|---|---|---|---|---|---|"]
    for path in files:
        out = args.dir / f"ours_{path.suffix[1:]}.json"
        ours = measure([sys.executable, "-m", "scoring.sla", "kpis", str(path), "--by",
                        "vendor,day", "--json"], out, args.runs)
        records = json.loads(out.read_text(encoding="utf-8"))
        print(f"{path.suffix[1:]:8} ours   {ours[0]:6.1f} s  {ours[1]:.2f} GB  ({len(records)} groups)")
        bare_out = args.dir / f"duckdb_{path.suffix[1:]}.json"
        bare = measure([sys.executable, __file__, "--duckdb-worker", str(path)], bare_out,
                       args.runs)
        bare_same = agree(records, json.loads(bare_out.read_text(encoding="utf-8")))
        print(f"{path.suffix[1:]:8} duckdb {bare[0]:6.1f} s  {bare[1]:.2f} GB  agree: {bare_same}  "
              f"ours ÷ duckdb {ours[0] / bare[0]:.2f}×")
        row = (f"| {path.suffix[1:]} | {ours[0]:.1f} s | {ours[1]:.2f} GB | {bare[0]:.1f} s | "
               f"{ours[0] / bare[0]:.2f}× |")
        if args.skip_pandas:
            table.append(f"{row} — | — | — | {'是' if bare_same else '否'} |")
            continue
        theirs_out = args.dir / f"pandas_{path.suffix[1:]}.json"
        theirs = measure([sys.executable, __file__, "--pandas-worker", str(path)], theirs_out)
        same = agree(records, json.loads(theirs_out.read_text(encoding="utf-8")))
        print(f"{path.suffix[1:]:8} pandas {theirs[0]:6.1f} s  {theirs[1]:.2f} GB  agree: {same}")
        table.append(f"{row} {theirs[0]:.1f} s | {theirs[1]:.2f} GB | {theirs[0] / ours[0]:.1f}× | "
                     f"{'是' if same and bare_same else '否'} |")
    print(f"load average after the runs {os.getloadavg()[0]:.2f}")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
