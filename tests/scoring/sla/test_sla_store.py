"""The SLA database: imports are all-or-nothing, never duplicate, and sample data comes and goes."""
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from scoring.sla import queries, sample
from scoring.sla.errors import SlaInputError
from scoring.sla.store import DATABASE_FILE, SlaStore
from settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data" / "sla"
ROOT = PROJECT_ROOT


@pytest.fixture
def store(data_dir: Path) -> SlaStore:
    store = SlaStore(data_dir / DATABASE_FILE)
    yield store
    store.close()


def snapshot(store: SlaStore) -> dict[str, list]:
    """Every row of every table (what "unchanged" means)."""
    tables = ("imports", "calls", "reports", "targets", "contract_caps", "meta")
    return {table: store.query(f"SELECT * FROM {table} ORDER BY ALL").astype(str).values.tolist()
            for table in tables}


def test_clean_import_stores_every_record(store):
    result = store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    assert (result.stored, result.rows_read, result.rows_added, result.rows_existing) == (True, 7, 7, 0)
    assert store.counts() == {"calls": 7, "reports": 0, "imports": 1}
    assert result.summary() == "已导入「calls_small.csv」(话单):读取 7 行,新增 7 条。"


def test_reimporting_the_same_records_never_duplicates_them(store):
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    again = store.import_file(DATA / "calls_small_gbk.csv", "calls_small_gbk.csv")  # same calls
    assert (again.rows_added, again.rows_existing) == (0, 7)
    assert store.counts()["calls"] == 7
    assert "7 条已存在(未重复写入)" in again.summary()


def test_the_next_days_calls_numbered_afresh_are_stored_not_skipped(store, tmp_path):
    """Many call systems start call_id again every day: the same call_id on another day is
    another call (a call is its vendor's call_id on its day of arrival)."""
    first = (DATA / "calls_small.csv").read_text(encoding="utf-8")
    later = first.replace("2025-03-03 ", "2025-03-05 ").replace("2025-03-04 ", "2025-03-06 ")
    (tmp_path / "later.csv").write_text(later, encoding="utf-8")  # B2 (04-01) unchanged
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    again = store.import_file(tmp_path / "later.csv", "later.csv")
    assert (again.rows_added, again.rows_existing) == (6, 1)
    assert store.counts()["calls"] == 13


def test_a_file_with_errors_is_refused_whole_and_nothing_changes(store):
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    before = snapshot(store)
    result = store.import_file(DATA / "calls_bad.csv", "calls_bad.csv")
    assert not result.stored and len(result.rejected) == 14
    assert result.summary() == "「calls_bad.csv」(话单)有 14 行错误,整份文件未导入,数据库没有任何改动。"
    assert snapshot(store) == before


def test_partial_import_stores_valid_rows_and_returns_the_rejected_ones(store):
    result = store.import_file(DATA / "calls_bad.csv", "calls_bad.csv", allow_partial=True)
    assert result.stored and (result.rows_added, len(result.rejected)) == (1, 14)
    rejected = pd.read_csv(pd.io.common.BytesIO(result.rejected_csv()), encoding="utf-8-sig")
    assert list(rejected.columns[:3]) == ["行号", "错误说明", "call_id"]
    assert rejected.loc[rejected["行号"] == 6, "错误说明"].item() == "呼叫编号(call_id)「C1」与第 2 行重复(同一外包商、同一天)"
    assert store.query("SELECT call_id FROM calls")["call_id"].tolist() == ["C1"]


def test_a_failure_inside_the_transaction_leaves_the_database_unchanged(store, monkeypatch):
    store.import_file(DATA / "report_long.csv", "report_long.csv")
    before = snapshot(store)

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(SlaStore, "_record_import", disk_full)  # fails after the rows went in
    with pytest.raises(OSError):
        store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    assert snapshot(store) == before


def test_imports_at_once_from_several_sessions_take_turns(store):
    store.ensure_sample(sample.generate)  # each import also clears the sample: rows change
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: store.import_file(DATA / "calls_small.csv",
                                                            "calls_small.csv"), range(4)))
    assert all(result.stored for result in results)
    assert sorted(result.rows_added for result in results) == [0, 0, 0, 7]
    assert store.counts()["calls"] == 7 and not store.shows_sample()


def test_a_refused_file_raises_a_chinese_message_and_changes_nothing(store, tmp_path):
    before = snapshot(store)
    with pytest.raises(SlaInputError, match="是空的"):
        store.import_file(b"", "empty.csv")
    with pytest.raises(SlaInputError, match="没有可导入的有效行"):
        bad = (DATA / "calls_bad.csv").read_text(encoding="utf-8").splitlines()
        store.import_file("\n".join([bad[0], bad[2]]).encode(), "bad.csv", allow_partial=True)
    assert snapshot(store) == before


def test_sample_data_loads_once_clears_for_good_and_yields_to_real_data(store):
    def small_sample() -> pd.DataFrame:
        return sample.generate(vendors=2, days=3, calls_per_day=20)

    assert store.ensure_sample(small_sample) and store.shows_sample()
    assert not store.ensure_sample(small_sample)  # never twice
    first = store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    assert first.summary().endswith(";示例数据已清除。")  # said, and so kept in the audit trail
    assert not store.shows_sample()
    assert set(store.query("SELECT DISTINCT vendor FROM calls")["vendor"]) == {"甲", "乙"}
    assert not store.ensure_sample(small_sample)  # real data: no sample again


def test_cleared_sample_does_not_come_back(store):
    store.ensure_sample(lambda: sample.generate(vendors=1, days=1, calls_per_day=10))
    store.clear_sample()
    assert store.counts() == {"calls": 0, "reports": 0, "imports": 0}
    assert not store.ensure_sample(lambda: sample.generate(vendors=1, days=1, calls_per_day=10))


def test_daily_reports_roll_up_to_months_weighted_by_volume(store):
    store.import_file(DATA / "report_wide.csv", "report_wide.csv")
    month = queries.report_kpis(store, "month").iloc[0]
    assert (month["offered"], month["answered"]) == (400, 380)
    assert month["service_level"] == pytest.approx((0.8 * 100 + 0.9 * 300) / 400)
    assert month["abandon_rate"] == pytest.approx((0.1 * 100 + 0.033333 * 300) / 400)
    assert month["asa_s"] == pytest.approx((10 * 90 + 6 * 290) / 380)
    assert pd.isna(month["fcr_rate"])


def test_call_records_take_precedence_over_reports_for_the_same_month(store, tmp_path):
    report = tmp_path / "report.csv"
    report.write_text("外包商,月份,放弃率\n甲,2025-03,1%\n丙,2025-03,6%\n", encoding="utf-8")
    store.import_file(report, "report.csv")
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    monthly = queries.board_kpis(store, "month", 20)
    march = monthly[monthly["period"] == "2025-03-01"].set_index("vendor")
    assert march.loc["甲", "source"] == "话单" and march.loc["甲", "abandon_rate"] == pytest.approx(0.4)
    assert march.loc["丙", "source"] == "报表" and march.loc["丙", "abandon_rate"] == pytest.approx(0.06)


def test_wait_curve_at_the_threshold_is_the_service_level(store):
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    curve = queries.wait_curve(store, max_s=30).set_index(["vendor", "second"])["share"]
    assert curve[("甲", 20)] == pytest.approx(2 / 5) and curve[("甲", 21)] == pytest.approx(3 / 5)
    assert curve[("甲", 4)] == 0 and curve[("乙", 0)] == pytest.approx(1 / 2)


def test_rejected_rows_download_never_carries_a_live_formula(store, tmp_path):
    header = (DATA / "calls_small.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "formula.csv"
    path.write_text(header + '\n=HYPERLINK("http://x"),甲,Q,bad,,bad,-5,,,,,,\n', encoding="utf-8")
    result = store.import_file(path, "formula.csv")
    text = result.rejected_csv().decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",-5," in text  # numbers stay numbers


def test_import_command_stores_into_the_data_directory(data_dir):
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "scoring.sla", "import"]
    refused = subprocess.run([*command, str(DATA / "calls_bad.csv")], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "错误:「calls_bad.csv」(话单)有 14 行错误,整份文件未导入" \
        in refused.stderr
    assert "第 3 行" in refused.stderr
    done = subprocess.run([*command, str(DATA / "calls_small.csv")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "新增 7 条" in done.stdout
    store = SlaStore(data_dir / DATABASE_FILE)
    assert store.counts()["calls"] == 7
    store.close()


def import_command(data_dir: Path, file: Path) -> subprocess.Popen:
    env = {**os.environ, "CSC_DATA_DIR": str(data_dir)}
    return subprocess.Popen([sys.executable, "-m", "scoring.sla", "import", str(file)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_command_line_imports_while_the_app_holds_the_store(data_dir):
    """The app's store lets go of the file when idle; an import waits for it meanwhile."""
    app = SlaStore(data_dir / DATABASE_FILE)
    app.IDLE_CLOSE_S = 0.3
    try:
        assert app.counts()["calls"] == 0
        with app.cursor() as cursor:  # the app busy while the import starts
            command = import_command(data_dir, DATA / "calls_small.csv")
            cursor.execute("SELECT count(*) FROM calls").fetchall()
            time.sleep(1.0)
        out, err = command.communicate(timeout=120)
        assert command.returncode == 0, err
        assert "新增 7 条" in out
        assert app.counts()["calls"] == 7  # the app reopens the file and sees the import
    finally:
        app.close()


def test_a_store_held_by_another_process_too_long_gives_a_chinese_message(data_dir):
    path = data_dir / DATABASE_FILE
    SlaStore(path).close()
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; "
                               f"c = duckdb.connect({str(path)!r}); print('held', flush=True); "
                               "time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        store = SlaStore(path)
        store.LOCK_WAIT_S = 0.5
        with pytest.raises(SlaInputError, match="可能正被另一个程序占用"):
            store.counts()
    finally:
        holder.kill()
        holder.communicate()


def test_vendors_keep_their_place_in_the_palette_as_others_are_added(store, tmp_path):
    store.import_file(DATA / "calls_small.csv", "calls_small.csv")  # 甲 and 乙
    assert store.vendor_order() == ["乙", "甲"]
    later = tmp_path / "later.csv"
    later.write_text("call_id,vendor,queue,arrived_at,answered_at,ended_at,talk_s,hold_s,acw_s\n"
                     "D1,丁,信用卡,2025-03-05 09:00:00,2025-03-05 09:00:05,2025-03-05 09:03:05,180,0,10\n",
                     encoding="utf-8")
    store.import_file(later, "later.csv")  # 丁 sorts before both, and comes after them
    assert store.vendor_order() == ["乙", "甲", "丁"]
    with store.transaction() as cursor:  # a damaged record is no order, not an error
        cursor.execute("UPDATE meta SET value = '{oops' WHERE key = 'vendor_order'")
    assert store.vendor_order() == []


def test_the_board_gives_colours_in_the_order_vendors_were_first_stored(store, tmp_path):
    from scoring.sla.board import load_board

    store.import_file(DATA / "calls_small.csv", "calls_small.csv")
    with store.transaction() as cursor:
        cursor.execute("UPDATE meta SET value = '[\"甲\"]' WHERE key = 'vendor_order'")
    assert load_board(store, 20).palette_order == ["甲", "乙"]  # one not on record comes last
