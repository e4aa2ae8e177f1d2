"""外包台账's store: vendors with valid credit codes and aliases, projects, lifecycle evidence kept
by hash, and duties that fall due again one period after they were due."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from types import SimpleNamespace

import pytest

from scoring.register.model import Project, RegisterError, advance, check_credit_code, load_stages
from scoring.register.store import EVIDENCE_DIR, RegisterStore

CODE = "91350100M000100Y43"  # a well-formed 统一社会信用代码 (check digit 3)


def candidate(key="k1", period="P3M", deadline=None, clause="第十条", quote="每季度至少开展一次现场检查"):
    return SimpleNamespace(key=key, doc="外包细则", clause=clause, quote=quote, period=period,
                           deadline=deadline)


@pytest.fixture
def store(data_dir) -> RegisterStore:
    return RegisterStore(data_dir)


def project(vendor_id, **fields) -> Project:
    values = dict(id=0, vendor_id=vendor_id, name="信用卡客服热线", elements=("人员", "运营场所"),
                  draft_id=None, assessment_id=None, term_start=date(2026, 1, 1),
                  term_end=date(2027, 12, 31), notice_days=90, fee_basis="按坐席月费",
                  deduction_cap_pct=10.0, stage="initiation")
    return Project(**{**values, **fields})


def test_credit_codes_are_checked_by_their_check_digit():
    assert check_credit_code(CODE.lower()) == CODE and check_credit_code("") == ""
    with pytest.raises(RegisterError, match="校验位"):
        check_credit_code(CODE[:-1] + "4")
    with pytest.raises(RegisterError, match="18 位"):
        check_credit_code("9135010")


def test_a_vendor_with_aliases_is_found_by_every_name_it_carries(store):
    vendor_id = store.save_vendor("远景呼叫服务有限公司", CODE, "张经理 138xxxx", "合作中")
    store.map_alias("远景呼叫", vendor_id)
    assert store.vendor_named("远景呼叫").id == vendor_id
    assert store.unmapped(["远景呼叫", "华信客服"]) == ["华信客服"]
    other = store.save_vendor("华信客服")
    with pytest.raises(RegisterError, match="已是另一家外包商"):
        store.map_alias("远景呼叫", other)
    with pytest.raises(RegisterError, match="另一家外包商名下"):
        store.save_vendor("第三家", CODE)


def test_a_project_keeps_its_contract_terms_and_refuses_impossible_ones(store):
    vendor_id = store.save_vendor("远景呼叫")
    project_id = store.save_project(project(vendor_id))
    saved = store.project(project_id)
    assert saved.elements == ("人员", "运营场所") and saved.notice_by() == date(2027, 10, 2)
    with pytest.raises(RegisterError, match="终止日早于起始日"):
        store.save_project(project(vendor_id, id=project_id, term_end=date(2025, 1, 1)))
    with pytest.raises(RegisterError, match="已有名为"):
        store.save_project(project(vendor_id))


def test_evidence_is_kept_by_its_hash_and_a_changed_file_is_noticed(store, data_dir):
    vendor_id = store.save_vendor("远景呼叫")
    project_id = store.save_project(project(vendor_id))
    store.record_step(project_id, "initiation", "需求与可行性分析已完成", "王芳")
    evidence = store.add_evidence("可行性分析".encode() * 10, "..\\..\\可行性分析.docx", "王芳",
                                  project_id, "initiation")
    assert evidence.file_name == "可行性分析.docx"
    step = store.steps(project_id)["initiation"]
    assert step.note == "需求与可行性分析已完成" and step.evidence == (evidence,)
    assert store.evidence_bytes(evidence) == "可行性分析".encode() * 10
    (data_dir / EVIDENCE_DIR / evidence.sha256).write_bytes(b"tampered")
    with pytest.raises(RegisterError, match="哈希不符"):
        store.evidence_bytes(evidence)
    with pytest.raises(RegisterError, match="空的"):
        store.add_evidence(b"", "空.txt", "王芳", project_id, "initiation")


def test_a_recurring_duty_falls_due_again_and_a_one_off_is_done(store):
    vendor_id = store.save_vendor("远景呼叫")
    quarterly = store.accept(candidate(), vendor_id, None, "王芳", date(2026, 11, 30), "检查报告")
    once = store.accept(candidate("k2", None, "二十四小时内"), vendor_id, None, "李明", date(2026, 12, 5))
    assert store.decided() == {"k1", "k2"}
    assert [d.state(date(2026, 12, 3)) for d in store.duties(vendor_id)] == ["逾期", "本月到期"]
    assert store.mark_done(quarterly, date(2026, 12, 3), "王芳").next_due == date(2027, 2, 28)
    assert store.mark_done(once, date(2026, 12, 3), "李明").state(date(2026, 12, 3)) == "已完成"
    with pytest.raises(RegisterError, match="已经完成"):
        store.mark_done(once, date(2026, 12, 4), "李明")
    with pytest.raises(RegisterError, match="已在该外包商"):
        store.accept(candidate(), vendor_id, None, "王芳", date(2026, 12, 31))
    store.dismiss("k3", "王芳")
    assert "k3" in store.decided()


def test_periods_move_by_calendar_months_and_years():
    assert advance(date(2026, 1, 31), "P1M") == date(2026, 2, 28)
    assert advance(date(2024, 2, 29), "P1Y") == date(2025, 2, 28)
    assert advance(date(2026, 11, 15), "P6M") == date(2027, 5, 15)
    assert advance(date(2026, 12, 1), "P1W") == date(2026, 12, 8)
    with pytest.raises(RegisterError):
        advance(date(2026, 1, 1), "every year")


def test_the_lifecycle_is_data_and_cites_the_standard_for_its_first_two_stages():
    stages, quotes = load_stages()
    assert [stage.name for stage in stages] == ["立项", "审批", "采购", "签约", "运行", "续约评估", "退出"]
    assert [stage.clause for stage in stages[:2]] == ["5.3.1", "5.3.2"]
    assert all(key in quotes for stage in stages for key in stage.quotes)


def test_two_writers_at_once_both_land(store):
    vendor_id = store.save_vendor("远景呼叫")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: store.accept(candidate(f"k{n}"), vendor_id, None, "王芳",
                                             date(2026, 12, 31)), range(40)))
    assert len(store.duties(vendor_id)) == 40


def test_a_damaged_register_is_refused_and_left_as_it_was(store):
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(b"not a database" * 100)
    with pytest.raises(RegisterError, match="已损坏"):
        store.vendors()
    assert store.path.read_bytes() == b"not a database" * 100


def test_a_next_month_deadline_suggests_its_day_and_others_today():
    from scoring.register.model import first_due
    assert first_due("次月十日前", date(2026, 12, 3)) == date(2027, 1, 10)
    assert first_due("次月5日前", date(2026, 1, 31)) == date(2026, 2, 5)
    assert first_due("二十四小时内", date(2026, 12, 3)) == date(2026, 12, 3)
    assert first_due(None, date(2026, 12, 3)) == date(2026, 12, 3)
