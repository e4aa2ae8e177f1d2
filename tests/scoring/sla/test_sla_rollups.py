"""The rollups kept at import give every indicator exactly as the calls do, at every grain."""
from pathlib import Path

import pandas as pd
import pytest

from scoring.sla import queries, rollups, sample
from scoring.sla.indicators import INDICATORS, KPI_KEYS, WAIT_S
from scoring.sla.store import DATABASE_FILE, SlaStore
from settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data" / "sla"
GRAINS = {  # keys over the rollups, the same keys over the calls
    "month": ("vendor, CAST(date_trunc('month', day) AS DATE) AS period",
              "vendor, CAST(date_trunc('month', arrived_at) AS DATE) AS period"),
    "half-hour": ("vendor, queue, day, slot", f"vendor, coalesce(queue, '') AS queue, "
                  f"CAST(arrived_at AS DATE) AS day, {rollups.SLOT} AS slot"),
}


def small_sample() -> pd.DataFrame:
    return sample.generate(vendors=2, days=40, calls_per_day=150)


@pytest.fixture(scope="module")
def calls_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("calls") / "calls.parquet"
    small_sample().to_parquet(path)
    return path


@pytest.fixture
def store(data_dir: Path, calls_file: Path) -> SlaStore:
    store = SlaStore(data_dir / DATABASE_FILE, threshold_s=20)
    assert store.import_file(calls_file, calls_file.name).stored
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")  # marks, holes, no queue
    yield store
    store.close()


def raw_kpis(store: SlaStore, keys: str, threshold_s: float) -> pd.DataFrame:
    measures = ", ".join(f"{indicator.aggregate(threshold_s)} AS {indicator.key}"
                         for indicator in INDICATORS)
    return store.query(f"SELECT {keys}, {measures} FROM (SELECT *, {WAIT_S} AS wait_s FROM calls) "
                       "GROUP BY ALL ORDER BY ALL")


def assert_same(rolled: pd.DataFrame, raw: pd.DataFrame) -> None:
    assert len(rolled) == len(raw) > 0
    pd.testing.assert_frame_equal(rolled.reset_index(drop=True), raw.reset_index(drop=True),
                                  check_dtype=False, rtol=1e-9)


@pytest.mark.parametrize("grain", GRAINS)
@pytest.mark.parametrize("threshold_s", [20, 17.5, 45])  # kept at import, and two added later
def test_every_indicator_from_the_rollups_equals_the_calls(store, grain, threshold_s):
    rolled_keys, raw_keys = GRAINS[grain]
    assert_same(queries.slot_kpis(store, threshold_s, rolled_keys),
                raw_kpis(store, raw_keys, threshold_s))


def test_a_new_threshold_is_computed_once_and_kept(store):
    assert store.query("SELECT threshold_s FROM rollup_thresholds")["threshold_s"].tolist() == [20]
    queries.slot_kpis(store, 30, "vendor")
    queries.slot_kpis(store, 30, "vendor")
    assert sorted(store.query("SELECT threshold_s FROM rollup_thresholds")["threshold_s"]) == [20, 30]
    store.import_file(DATA / "calls_small.csv", "again.csv")  # nothing new; both kept current
    assert_same(queries.slot_kpis(store, 30, GRAINS["half-hour"][0]),
                raw_kpis(store, GRAINS["half-hour"][1], 30))


def test_the_wait_curve_from_the_rollups_equals_the_calls(store):
    month = queries.months(store)[0]
    raw = store.query(f"""
        WITH scope AS (SELECT *, {WAIT_S} AS wait_s FROM calls
                       WHERE date_trunc('month', arrived_at) = DATE '{month.isoformat()}')
        SELECT vendor, s AS second,
               count(*) FILTER (WHERE answered_at IS NOT NULL AND ceil(wait_s) <= s) / count(*)
                   AS share
        FROM scope, range(0, 121) AS r(s) GROUP BY ALL ORDER BY ALL""")
    assert_same(queries.wait_curve(store, month), raw)


def test_the_sample_data_comes_and_goes_with_its_rollups(data_dir):
    store = SlaStore(data_dir / DATABASE_FILE, threshold_s=20)
    store.ensure_sample(small_sample)
    assert_same(queries.slot_kpis(store, 20, GRAINS["month"][0]),
                raw_kpis(store, GRAINS["month"][1], 20))
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")  # real data replaces it
    assert store.counts()["calls"] == 7
    assert_same(queries.slot_kpis(store, 20, GRAINS["half-hour"][0]),
                raw_kpis(store, GRAINS["half-hour"][1], 20))
    assert store.query("SELECT sum(answered) AS n FROM call_wait_seconds")["n"][0] == 5


def test_a_store_from_before_the_rollups_gets_them_once(store):
    with store.transaction() as cursor:
        for table in rollups.TABLES:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute("DELETE FROM meta WHERE key = 'rollups'")
    assert_same(queries.slot_kpis(store, 20, GRAINS["month"][0]),
                raw_kpis(store, GRAINS["month"][1], 20))
    assert store.query("SELECT value FROM meta WHERE key = 'rollups'")["value"][0] == rollups.VERSION


def test_a_refused_import_leaves_the_rollups_as_they_were(store):
    tables = {table: store.query(f"SELECT * FROM {table} ORDER BY ALL") for table in rollups.TABLES}
    assert not store.import_file(DATA / "calls_bad.csv", "calls_bad.csv").stored
    for table, before in tables.items():
        pd.testing.assert_frame_equal(store.query(f"SELECT * FROM {table} ORDER BY ALL"), before)


def test_the_board_reads_the_rollups_not_the_calls(store):
    with store.transaction() as cursor:  # were the board to scan the calls, it would see nothing
        cursor.execute("ALTER TABLE calls RENAME TO calls_hidden")
    try:
        assert set(queries.call_kpis(store, "month", 20)["vendor"]) == {*sample.vendor_names(2), "甲", "乙"}
        assert len(queries.hourly_profile(store)) and len(queries.peak_intervals(store))
        assert queries.months(store) and queries.latest_month(store)
    finally:
        with store.transaction() as cursor:
            cursor.execute("ALTER TABLE calls_hidden RENAME TO calls")
    assert set(KPI_KEYS) <= set(queries.call_kpis(store, "day", 20).columns)


def test_the_latest_month_says_which_of_its_days_the_data_covers(data_dir):
    import datetime as dt

    store = SlaStore(data_dir / DATABASE_FILE)
    try:
        store.import_file(PROJECT_ROOT / "tests" / "data" / "sla" / "calls_small.csv", "calls.csv")
        latest = queries.latest_month(store)
    finally:
        store.close()
    assert (latest.month, latest.vendors, latest.sample) == (dt.date(2025, 4, 1), 1, False)
    assert latest.coverage.days == 1 and not latest.coverage.complete
