"""Realistic, seeded sample call records: daily and hourly seasonality, queues, one vendor slipping.

Each hour of each vendor is staffed by Erlang C for 80/20 times the vendor's staffing factor; a
call waits with the Erlang C probability for an exponential time and hangs up when its patience
runs out. The slipping vendor loses staff (and quality) over the period.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from scoring.sla.erlang import (
    StaffingInput,
    average_speed_of_answer,
    required_agents,
    wait_probability,
)
from scoring.sla.errors import SlaInputError
from scoring.sla.sources import literal

VENDORS = (("华信客服", "HX"), ("联众外包", "LZ"), ("远景呼叫", "YJ"), ("恒通服务", "HT"),
           ("卓越客服", "ZY"), ("博远外包", "BY"))
QUEUES = (("信用卡", 0.45), ("借记卡", 0.30), ("贷款", 0.15), ("理财", 0.10))
START = dt.date(2025, 1, 1)
WEEKDAY = np.array([1.15, 1.05, 1.0, 1.0, 1.05, 0.85, 0.75])
HOURLY = np.array([0.4, 0.25, 0.2, 0.15, 0.15, 0.3, 0.8, 2.0, 4.5, 7.5, 8.5, 8.0, 6.0, 6.5,
                   7.8, 8.0, 7.2, 6.0, 4.5, 3.8, 3.4, 2.8, 1.8, 1.0])
HOURLY = HOURLY / HOURLY.sum()
MEAN_TALK_S, MEAN_ACW_S, MEAN_PATIENCE_S = 170.0, 25.0, 150.0


def vendor_names(count: int) -> list[str]:
    """The names of the first `count` sample vendors."""
    return [VENDORS[i][0] if i < len(VENDORS) else f"外包商{i + 1}" for i in range(count)]


def generate(vendors: int = 3, days: int = 90, calls_per_day: int = 600, seed: int = 7,
             start: dt.date = START) -> pd.DataFrame:
    """All sample call records at once (for the page's sample data and small files)."""
    frames = list(generate_days(vendors, days, calls_per_day, seed, start))
    return pd.concat(frames, ignore_index=True)


def generate_days(vendors: int, days: int, calls_per_day: int, seed: int,
                  start: dt.date = START) -> Iterator[pd.DataFrame]:
    """Sample call records one day at a time (all vendors), sorted by arrival."""
    if vendors < 1 or days < 1 or calls_per_day < 1:
        raise SlaInputError("外包商数、天数与每日呼入量都必须为正整数。")
    rng = np.random.default_rng(seed)
    names = vendor_names(vendors)
    slipping = vendors - 1 if vendors > 1 else None
    for day in range(days):
        date = start + dt.timedelta(days=day)
        frames = []
        for index, name in enumerate(names):
            progress = day / max(days - 1, 1)
            slip = progress if index == slipping else 0.0
            frames.append(_vendor_day(rng, name, index, date, calls_per_day, slip))
        yield pd.concat(frames, ignore_index=True).sort_values("arrived_at", kind="stable")


def _vendor_day(rng: np.random.Generator, name: str, index: int, date: dt.date,
                calls_per_day: int, slip: float) -> pd.DataFrame:
    volume = calls_per_day * WEEKDAY[date.weekday()] / WEEKDAY.mean()
    volume *= 1.15 if date.day <= 3 else 1.0  # statement days
    volume *= rng.lognormal(0, 0.05)
    per_hour = rng.poisson(volume * HOURLY)
    staffing = 1.12 - 0.03 * index - 0.22 * slip  # the slipping vendor loses agents
    hours = np.repeat(np.arange(24), per_hour)
    count = len(hours)
    talk = rng.lognormal(np.log(MEAN_TALK_S) - 0.18, 0.6, count)
    hold = np.where(rng.random(count) < 0.2, rng.exponential(40, count), 0.0)
    acw = rng.gamma(4, MEAN_ACW_S / 4, count)
    aht = MEAN_TALK_S + 0.2 * 40 + MEAN_ACW_S
    queueing = np.array([_queueing(int(calls), aht, staffing) for calls in per_hour])
    waits = rng.random(count) < queueing[hours, 0]
    wait = np.where(waits, rng.exponential(1.0, count) * queueing[hours, 1], 0.0)
    wait += rng.uniform(1, 5, count)  # ringing
    patience = rng.exponential(MEAN_PATIENCE_S, count) + 3
    answered = wait <= patience
    arrived = (np.datetime64(date) + (hours * 3600 + rng.uniform(0, 3600, count)).astype(
        "timedelta64[s]"))
    answered_at = np.where(answered, arrived + wait.astype("timedelta64[s]"),
                           np.datetime64("NaT"))
    ended_at = np.where(answered, answered_at + (talk + hold).astype("timedelta64[s]"),
                        arrived + patience.astype("timedelta64[s]"))
    rated = answered & (rng.random(count) < 0.25)
    csat_weights = np.array([0.02, 0.03, 0.07, 0.26, 0.62]) + np.array([0.03, 0.04, 0.05, 0, -0.12]) * slip
    qa_sampled = answered & (rng.random(count) < 0.04)
    fcr_tagged = answered & (rng.random(count) < 0.9)
    code = VENDORS[index][1] if index < len(VENDORS) else f"V{index + 1}"
    return pd.DataFrame({
        "call_id": np.char.mod(f"{code}{date:%Y%m%d}%06d", np.arange(count)),
        "vendor": name,
        "queue": rng.choice([queue for queue, _ in QUEUES], count, p=[p for _, p in QUEUES]),
        "arrived_at": arrived,
        "answered_at": answered_at,
        "ended_at": ended_at,
        "talk_s": np.where(answered, talk.round(), np.nan),
        "hold_s": np.where(answered, hold.round(), np.nan),
        "acw_s": np.where(answered, acw.round(), np.nan),
        "resolved_first_contact": _where(rng.random(count) < 0.80 - 0.12 * slip, fcr_tagged),
        "csat": _where(rng.choice(np.arange(1, 6), count, p=csat_weights), rated),
        "qa_score": np.where(qa_sampled, np.clip(rng.normal(90 - 6 * slip, 5, count), 40, 100).round(1),
                             np.nan),
        "complaint": _where(rng.random(count) < 0.0006 + 0.0015 * slip, answered),
    })


def _where(values: np.ndarray, given: np.ndarray) -> pd.arrays.IntegerArray:
    """Small integers where given, missing elsewhere."""
    return pd.arrays.IntegerArray(values.astype("int8"), ~given)


@lru_cache(maxsize=4096)
def _queueing(calls: int, aht_s: float, staffing: float) -> tuple[float, float]:
    """P(wait) and mean wait of those who wait, for an hour staffed at `staffing` × Erlang C 80/20."""
    if calls == 0:
        return 0.0, 0.0
    request = StaffingInput(calls=calls, interval_s=3600, aht_s=aht_s)
    agents = max(1, round(required_agents(request).agents * staffing))
    traffic = request.traffic()
    if agents <= traffic:  # overloaded: long queues, most callers give up
        return 0.97, 240.0
    probability = wait_probability(traffic, agents)
    return probability, average_speed_of_answer(traffic, agents, aht_s) / max(probability, 1e-9)


def write_sample(path: Path, vendors: int = 3, days: int = 90, calls_per_day: int = 600,
                 seed: int = 7, limit: int | None = None) -> int:
    """Write sample call records to .csv, .parquet or .xlsx; returns the number of rows."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".xlsx"):
        raise SlaInputError("输出文件应为 .csv、.parquet 或 .xlsx。")
    with duckdb.connect() as connection:
        connection.execute("SET enable_progress_bar = false")
        for number, frame in enumerate(generate_days(vendors, days, calls_per_day, seed)):
            connection.register("day_frame", frame)
            verb = "CREATE TABLE sample AS" if number == 0 else "INSERT INTO sample"
            connection.execute(f"{verb} SELECT * FROM day_frame")
            connection.unregister("day_frame")
        cut = f" LIMIT {int(limit)}" if limit else ""
        rows = connection.execute(f"SELECT count(*) FROM (SELECT 1 FROM sample{cut})").fetchall()[0][0]
        if suffix == ".xlsx":
            connection.execute(f"SELECT * FROM sample{cut}").df().to_excel(path, index=False)
            return rows
        options = ("(FORMAT parquet)" if suffix == ".parquet"
                   else "(HEADER, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')")
        connection.execute(f"COPY (SELECT * FROM sample{cut}) TO {literal(str(path))} {options}")
    return rows
