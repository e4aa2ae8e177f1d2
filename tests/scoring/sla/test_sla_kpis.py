"""SLA indicators on small hand-computed call records, in every file shape the page accepts."""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from scoring.sla.engine import file_kpis
from scoring.sla.indicators import KPI_KEYS
from settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "tests" / "data" / "sla"
ROOT = PROJECT_ROOT
SMALL = DATA / "calls_small.csv"
NULLS = {"fcr_rate": None, "csat_rate": None, "qa_avg": None, "complaint_rate": None}

# 甲: A1 wait 5 s (handle 170+10+20), A2 wait 20 s exactly (200+0+40, complaint), A3 wait 21 s
# (100+empty hold+20), A4 abandoned after 45 s; A5 abandoned the next day. 乙: B1 wait 0 with no
# optional fields; B2 waits 20 s across midnight (arrived 04-01) with complaint 0.
JIA = {"offered": 5, "answered": 3, "abandoned": 2, "service_level": 2 / 5, "answer_rate": 3 / 5,
       "abandon_rate": 2 / 5, "asa_s": (5 + 20 + 21) / 3, "aht_s": (200 + 240 + 120) / 3,
       "fcr_rate": 1 / 2, "csat_rate": 2 / 3, "qa_avg": 80.0, "complaint_rate": 1 / 3}
JIA_MAR_03 = {**JIA, "offered": 4, "abandoned": 1, "service_level": 2 / 4, "answer_rate": 3 / 4,
              "abandon_rate": 1 / 4}
JIA_MAR_04 = {"offered": 1, "answered": 0, "abandoned": 1, "service_level": 0.0,
              "answer_rate": 0.0, "abandon_rate": 1.0, "asa_s": None, "aht_s": None, **NULLS}
YI_MAR = {"offered": 1, "answered": 1, "abandoned": 0, "service_level": 1.0, "answer_rate": 1.0,
          "abandon_rate": 0.0, "asa_s": 0.0, "aht_s": 60.0, **NULLS}
YI_APR = {**YI_MAR, "asa_s": 20.0, "aht_s": 120.0, "complaint_rate": 0.0}
YI = {**YI_MAR, "offered": 2, "answered": 2, "asa_s": 10.0, "aht_s": 90.0, "complaint_rate": 0.0}

EXPECTED = {
    ("vendor", 20): [("乙", None, YI), ("甲", None, JIA)],
    ("vendor", 5): [("乙", None, {**YI, "service_level": 1 / 2}),
                    ("甲", None, {**JIA, "service_level": 1 / 5})],
    ("vendor,day", 20): [("乙", "2025-03-03", YI_MAR), ("乙", "2025-04-01", YI_APR),
                         ("甲", "2025-03-03", JIA_MAR_03), ("甲", "2025-03-04", JIA_MAR_04)],
    ("vendor,month", 20): [("乙", "2025-03", YI_MAR), ("乙", "2025-04", YI_APR),
                           ("甲", "2025-03", JIA)],
}


def expected(by: str, threshold: int) -> list[dict]:
    rows = []
    for vendor, period, values in EXPECTED[(by, threshold)]:
        rounded = {key: value if value is None or isinstance(value, int) else round(value, 6)
                   for key, value in values.items()}
        rows.append({"vendor": vendor, **({"period": period} if period else {}), **rounded})
    return rows


@pytest.mark.parametrize("by, threshold", list(EXPECTED))
def test_every_indicator_matches_the_hand_computed_values(by, threshold):
    assert file_kpis(SMALL, by, threshold).records == expected(by, threshold)


def xlsx_copy(tmp_path: Path) -> Path:
    """The same records typed into Excel under a title row: date-time cells and numbers."""
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["2025 年 3 月外包话单(导出)"])
    sheet.append([])
    sheet.append(lines[0].split(","))
    for line in lines[1:]:
        cells: list = line.split(",")
        for index in (3, 4, 5):
            cells[index] = dt.datetime.fromisoformat(cells[index]) if cells[index] else None
        for index in range(6, 13):
            cells[index] = float(cells[index]) if cells[index] else None
        sheet.append(cells)
    path = tmp_path / "calls_small.xlsx"
    workbook.save(path)
    return path


def parquet_copy(tmp_path: Path) -> Path:
    """The same records as Parquet with typed columns (timestamps, numbers)."""
    path = tmp_path / "calls_small.parquet"
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{SMALL}')) TO '{path}' (FORMAT parquet)")
    return path


@pytest.mark.parametrize("make", [
    lambda tmp: DATA / "calls_small_gbk.csv",  # GBK, Chinese headers, 2025/3/3 times, 是/否
    lambda tmp: (tmp / "bom.csv", (tmp / "bom.csv").write_bytes(b"\xef\xbb\xbf" + SMALL.read_bytes()))[0],
    lambda tmp: (tmp / "tabs.txt", (tmp / "tabs.txt").write_text(
        SMALL.read_text(encoding="utf-8").replace(",", "\t"), encoding="utf-8"))[0],
    xlsx_copy, parquet_copy], ids=["gbk-chinese-headers", "utf8-bom", "tab-separated", "xlsx",
                                   "parquet"])
def test_every_file_shape_gives_the_same_indicators(make, tmp_path):
    assert file_kpis(make(tmp_path), "vendor,day", 20).records == expected("vendor,day", 20)


def test_cli_prints_exactly_the_documented_keys():
    result = subprocess.run([sys.executable, "-m", "scoring.sla", "kpis", str(SMALL), "--by",
                             "vendor,month", "--json"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [set(record) for record in records] == [{"vendor", "period", *KPI_KEYS}] * 3
    assert records == expected("vendor,month", 20)


def test_cli_refuses_a_file_with_bad_rows_unless_told_to_skip_them():
    command = [sys.executable, "-m", "scoring.sla", "kpis", str(DATA / "calls_bad.csv"), "--json"]
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and refused.stdout == ""
    assert "第 3 行:到达时间(arrived_at)「2025-03-03 25:61:00」无法识别为时间" in refused.stderr
    assert "共 14 行有错误,未计算" in refused.stderr
    skipped = subprocess.run([*command, "--skip-invalid"], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
    assert skipped.returncode == 0 and json.loads(skipped.stdout)[0]["offered"] == 1


# One row breaking each rule (cells changed in A1 of the small file). The KPIs first try to prove
# a file clean from per-group aggregates (min, max, counts); a proof that let any of these through
# would give KPIs over a bad row. Edge cases: a sub-millisecond order, ±infinity, NaN.
BREAKING = {
    "call_id_missing": {"call_id": ""},
    "vendor_missing": {"vendor": " "},
    "arrived_at_missing": {"arrived_at": ""},
    "arrived_at_bad": {"arrived_at": "2025-03-03 25:61:00"},
    "arrived_at_implausible": {"arrived_at": "1899-03-03 09:00:00"},
    "answered_at_bad": {"answered_at": "马上"},
    "ended_at_missing": {"ended_at": ""},
    "ended_at_bad": {"ended_at": "x"},
    "answered_before_arrival": {"arrived_at": "2025-03-03 09:00:05.000400",
                                "answered_at": "2025-03-03 09:00:05.000100"},
    "ended_too_early": {"ended_at": "2025-03-03 09:00:04"},
    "wait_too_long": {"answered_at": "infinity", "ended_at": "infinity"},
    "talk_s_bad": {"talk_s": "1分钟"},
    "talk_s_not_finite": {"talk_s": "NaN"},
    "talk_s_negative": {"talk_s": "-0.5"},
    "talk_s_too_long": {"talk_s": "86401"},
    "hold_s_bad": {"hold_s": "--"},
    "hold_s_not_finite": {"hold_s": "inf"},
    "hold_s_negative": {"hold_s": "-inf"},
    "hold_s_too_long": {"hold_s": "1e9"},
    "acw_s_bad": {"acw_s": "二十"},
    "acw_s_not_finite": {"acw_s": "1e309"},
    "acw_s_negative": {"acw_s": "-1"},
    "acw_s_too_long": {"acw_s": "100000"},
    "talk_missing": {"talk_s": " "},
    "talk_when_abandoned": {"answered_at": "", "talk_s": "0.1"},
    "fcr_bad": {"resolved_first_contact": "2"},
    "complaint_bad": {"complaint": "投诉"},
    "csat_bad": {"csat": "4.5"},
    "qa_bad": {"qa_score": "100.01"},
    "answered_before_arrival/-infinity": {"answered_at": "-infinity"},
}


def broken_file(tmp_path: Path, cells: dict[str, str], suffix: str) -> Path:
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    first = dict(zip(header, lines[1].split(",")))
    first.update(cells)
    csv = tmp_path / "broken.csv"
    csv.write_text("\n".join([lines[0], ",".join(first[name] for name in header), *lines[2:]]) + "\n",
                   encoding="utf-8")
    if suffix == ".csv":
        return csv
    parquet = tmp_path / "broken.parquet"  # typed where every cell reads as the type
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)")
    return parquet


def test_every_rule_has_a_breaking_row():
    from scoring.sla.calls import RULES

    assert {rule.code for rule in RULES} == {code.split("/")[0] for code in BREAKING}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("code", list(BREAKING))
def test_no_row_breaking_a_rule_reaches_the_kpis(code, suffix, tmp_path):
    result = file_kpis(broken_file(tmp_path, BREAKING[code], suffix), "vendor,day", 20)
    assert result.records == [] and result.rejected == 1, result
    assert result.messages[0].startswith("第 2 行:" if suffix == ".csv" else "第 1 行:")  # no header


def test_cells_of_spaces_in_optional_columns_still_give_kpis(tmp_path):
    path = broken_file(tmp_path, {"hold_s": " ", "csat": "  ", "complaint": " "}, ".csv")
    records = file_kpis(path, "vendor", 20).records
    assert [record["offered"] for record in records] == [2, 5]


# A CSV is first read with its times and numbers typed by the reader (the strict form only);
# a file with any cell in another form is read again as text. Either way the KPIs are the same.
TEXT_FORMS = {
    "iso-t": {"arrived_at": "2025-03-03T09:00:00"},
    "slashes": {"answered_at": "2025/03/03 09:00:05"},
    "no-seconds": {"arrived_at": "2025-03-03 09:00"},
    "fraction": {"ended_at": "2025-03-03 09:03:05.000"},
    "chinese": {"arrived_at": "2025年03月03日 09:00:00"},
    "short-fields": {"answered_at": "2025-3-3 9:0:5"},
    "spaces": {"talk_s": " 170 ", "arrived_at": " 2025-03-03 09:00:00 "},
    "exponent": {"talk_s": "1.7e2"},
    "flag-word": {"resolved_first_contact": "是"},
}


def text_read_kpis(path: Path, by: str) -> list[dict]:
    """The KPIs of a file read as text and checked row by row (no typed read, no proofs)."""
    from scoring.sla.calls import CALLS
    from scoring.sla.engine import scratch_connection
    from scoring.sla.kpis import kpi_records
    from scoring.sla.sources import open_source
    from scoring.sla.validation import check_rows

    with scratch_connection() as connection, open_source(connection, path, path.name) as source:
        checked = check_rows(connection, source, CALLS)
        assert not len(checked.rejected), checked.messages()
        return kpi_records(connection, checked.valid_sql, by, 20)


@pytest.mark.parametrize("cells", list(TEXT_FORMS.values()), ids=list(TEXT_FORMS))
def test_times_and_numbers_in_other_forms_give_the_kpis_of_the_text_read(cells, tmp_path):
    path = broken_file(tmp_path, cells, ".csv")
    assert file_kpis(path, "vendor,day", 20).records == text_read_kpis(path, "vendor,day")


def test_a_clean_file_gives_the_kpis_of_the_text_read(tmp_path):
    assert file_kpis(SMALL, "vendor,month", 20).records == text_read_kpis(SMALL, "vendor,month")


def renamed(tmp_path: Path, old: str, new: str) -> Path:
    """The small file with call `old` given the call_id `new`."""
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "renamed.csv"
    path.write_text("\n".join(new + line[len(old):] if line.startswith(old + ",") else line
                              for line in lines) + "\n", encoding="utf-8")
    return path


def test_a_call_id_used_again_on_another_day_is_another_call(tmp_path):
    path = renamed(tmp_path, "A5", "A1")  # A1 on 03-03, A5 on 03-04: call systems renumber daily
    assert file_kpis(path, "vendor,day", 20).records == expected("vendor,day", 20)


@pytest.mark.parametrize("by", ["vendor", "vendor,month"])
def test_a_call_id_given_twice_on_one_day_is_refused(by, tmp_path):
    result = file_kpis(renamed(tmp_path, "A2", "A1"), by, 20)
    assert result.records == [] and result.rejected == 1
    assert result.messages == ["第 3 行:呼叫编号(call_id)「A1」与第 2 行重复(同一外包商、同一天)"]


def test_key_hashes_are_unique_only_when_every_row_has_its_own():
    import numpy as np

    from scoring.sla.validation import keys_unique

    assert keys_unique([np.array([3, 1], dtype=np.uint64), np.array([2], dtype=np.uint64)], 3)
    assert not keys_unique([np.array([3, 1], dtype=np.uint64), np.array([3], dtype=np.uint64)], 3)
    assert not keys_unique([np.array([3, 1], dtype=np.uint64), None], 3)  # a row without a key
    assert keys_unique([None], 0) and keys_unique([], 0)


@pytest.mark.parametrize("cells, read_as", [({}, "TIMESTAMP"),
                                            ({"answered_at": "2025/03/03 09:00:05"}, "VARCHAR")])
def test_the_reader_types_a_file_in_the_strict_form_and_reads_others_as_text(cells, read_as,
                                                                             tmp_path):
    from scoring.sla.calls import CALLS
    from scoring.sla.engine import scratch_connection
    from scoring.sla.sources import open_source
    from scoring.sla.validation import prove

    path = broken_file(tmp_path, cells, ".csv")
    with scratch_connection() as connection, open_source(connection, path, path.name) as source:
        rows, read = prove(connection, source, CALLS,
                           lambda parsed, proofs: f"SELECT {proofs} FROM ({parsed})")
    assert rows == [{"_rows": 7}]
    assert read.types["arrived_at"] == read.types["answered_at"] == read_as
