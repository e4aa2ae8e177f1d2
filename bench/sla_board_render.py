"""Benchmark: the SLA page's first render with 1M, 10M and 40M stored calls (same run).

    python bench/sla_board_render.py [--sizes 1000000,10000000,40000000] [--dir /tmp/sla-render]
                                     [--runs 3]

For each size, a data directory outside the repository gets a year of calls of three vendors
and four queues (generated inside DuckDB, seeded), then the rollups are built as a store from
before them gets them (timed: the one-off cost, as an import pays it per file). The page's first
render is timed with Streamlit's AppTest: a new session, caches cleared, switch to SLA看板 and
run until the page is drawn. Reports the median of --runs and the ratio to the smallest size.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DAYS = 365
VENDORS = ["华信客服", "联众外包", "远景呼叫"]
QUEUES = ["信用卡", "借记卡", "贷款", "理财"]


def make_store(directory: Path, calls: int) -> float:
    """A data directory holding `calls` calls and their rollups; returns the rollup seconds."""

    from scoring.sla.store import DATABASE_FILE, SlaStore

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / DATABASE_FILE
    store = SlaStore(path)
    if store.query("SELECT count(*) AS n FROM calls")["n"][0] != calls:
        store.close()
        path.unlink()
        store = SlaStore(path)
        with store.transaction() as cursor:
            cursor.execute("SELECT setseed(0.7)")
            cursor.execute(f"""
                INSERT INTO calls BY NAME
                WITH base AS (
                    SELECT i, TIMESTAMP '2025-01-01' + to_microseconds(
                               CAST(i * ({DAYS} * 86400e6 / {calls}) AS BIGINT)) AS arrived_at,
                           random() AS r1, random() AS r2, random() AS r3
                    FROM range({calls}) AS t(i))
                SELECT {VENDORS}[i % 3 + 1] AS vendor, 'C' || i AS call_id,
                       {QUEUES}[(i // 3) % 4 + 1] AS queue, arrived_at,
                       CASE WHEN r1 < 0.93 THEN arrived_at + to_microseconds(CAST(r2 * 40e6 AS BIGINT)) END
                           AS answered_at,
                       arrived_at + to_microseconds(CAST((r2 * 40 + 60 + r3 * 300) * 1e6 AS BIGINT))
                           AS ended_at,
                       CASE WHEN r1 < 0.93 THEN 60 + r3 * 300 END AS talk_s, 0.0 AS hold_s,
                       CASE WHEN r1 < 0.93 THEN 20.0 END AS acw_s,
                       CAST(r3 < 0.75 AS TINYINT) AS resolved_first_contact,
                       CAST(1 + floor(r2 * 5) AS TINYINT) AS csat, 60 + r3 * 40 AS qa_score,
                       CAST(r2 < 0.01 AS TINYINT) AS complaint, 1 AS import_id
                FROM base""")
            cursor.execute("INSERT INTO imports VALUES (1, 'bench', 'bench', 'calls', ?, ?, 0, 0, "
                           "false, now())", [calls, calls])
            cursor.execute("DELETE FROM meta WHERE key = 'rollups'")
    started = time.perf_counter()
    store.ensure_rollups(20)
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def render_seconds(directory: Path) -> float:
    """The SLA page's first render in a new session with empty caches."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ["CSC_DATA_DIR"] = str(directory)
    st.cache_resource.clear()
    st.cache_data.clear()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    started = time.perf_counter()
    app.switch_page("pages/sla.py").run()
    seconds = time.perf_counter() - started
    assert not app.exception and app.tabs, "the SLA page did not render"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000,40000000")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sla-render"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {}
    for size in sizes:
        directory = args.dir / str(size)
        rollup = make_store(directory, size)
        renders = [render_seconds(directory) for _ in range(args.runs)]
        results[size] = statistics.median(renders)
        print(f"{size:>11,} calls: rollups built in {rollup:6.1f} s; first render "
              f"{results[size]:.2f} s (median of {args.runs}: "
              + ", ".join(f"{value:.2f}" for value in renders) + ")", flush=True)
    smallest = results[sizes[0]]
    for size in sizes[1:]:
        print(f"render {size:,} ÷ {sizes[0]:,}: {results[size] / smallest:.2f}× (floor: ≤ 1.5×)")


if __name__ == "__main__":
    main()
