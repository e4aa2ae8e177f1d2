"""Saved assessments in a real SQLite file: save, reopen, continue, compare; never half-written."""
import sqlite3
from contextlib import closing
from datetime import datetime

import pytest

from scoring.scope.assessments import DB_FILE, AssessmentStore
from scoring.scope.governance import Answer, AssessmentError, compare

DRAFT = {"p1_customer_information": Answer("met", "保密协议 2024-03"),
         "p2_sales_compliance": Answer("partial", "只审查了信用卡分期")}


@pytest.fixture(scope="module")
def checklist(built_services):
    return built_services.checklist


@pytest.fixture
def store(checklist, data_dir) -> AssessmentStore:
    return AssessmentStore(data_dir, checklist)


def test_a_saved_draft_reopens_with_its_answers_and_functions(store, checklist, data_dir):
    saved_id = store.save("2024 年自评", DRAFT, ["外呼营销", "录音管理"],
                          now=datetime(2024, 5, 1, 9, 30))
    reopened = AssessmentStore(data_dir, checklist).load(saved_id)  # a new store: from the file
    assert (data_dir / DB_FILE).is_file()
    assert reopened.title == "2024 年自评" and reopened.answers == DRAFT
    assert reopened.functions == ["外呼营销", "录音管理"]
    assert reopened.label == "2024 年自评(保存于 2024-05-01 09:30)"


def test_continuing_replaces_the_answers_of_the_same_assessment(store):
    saved_id = store.save("自评", DRAFT)
    later = {**DRAFT, "p2_sales_compliance": Answer("met"), "p3_customer_needs": Answer("met")}
    assert store.save("自评(续)", later, assessment_id=saved_id) == saved_id
    [only] = store.saved()
    assert only.title == "自评(续)" and only.answers == later


def test_saved_lists_the_latest_first_and_compares_with_an_earlier_one(store, checklist):
    first = store.save("一季度", DRAFT, now=datetime(2024, 3, 31))
    second = store.save("二季度", {**DRAFT, "p2_sales_compliance": Answer("met")},
                        now=datetime(2024, 6, 30))
    assert [item.id for item in store.saved()] == [second, first]
    comparison = compare(checklist, store.load(first).answers, store.load(second).answers)
    assert comparison.sections[0][1:] == (80.0, 100.0)
    assert [item.id for item, _, _ in comparison.changes] == ["p2_sales_compliance"]


@pytest.mark.parametrize("title, answers, message", [
    ("  ", DRAFT, "请填写自评名称"),
    ("标" * 101, DRAFT, "名称超过 100 字"),
    ("自评", {**DRAFT, "p3_customer_needs": Answer("na")}, "第 3 项选择了不适用"),
])
def test_an_invalid_assessment_saves_nothing(store, data_dir, title, answers, message):
    with pytest.raises(AssessmentError, match=message):
        store.save(title, answers)
    assert not (data_dir / DB_FILE).exists() and store.saved() == []


def test_an_invalid_update_leaves_the_saved_version(store):
    saved_id = store.save("自评", DRAFT)
    with pytest.raises(AssessmentError, match="第 3 项选择了不适用"):
        store.save("改过的名称", {"p3_customer_needs": Answer("na")}, assessment_id=saved_id)
    assert store.load(saved_id).title == "自评" and store.load(saved_id).answers == DRAFT


def test_a_write_failing_half_way_is_rolled_back(store, data_dir):
    saved_id = store.save("自评", DRAFT)
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db, db:  # fails at the 2nd answer
        db.execute("CREATE TRIGGER fail BEFORE INSERT ON answer WHEN NEW.item_id = "
                   "'p2_sales_compliance' BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    changed = {"p1_customer_information": Answer("not_met"),
               "p2_sales_compliance": Answer("not_met")}
    with pytest.raises(sqlite3.IntegrityError, match="disk full"):
        store.save("改过的名称", changed, assessment_id=saved_id)
    assert store.load(saved_id).title == "自评" and store.load(saved_id).answers == DRAFT


def test_opening_an_unknown_assessment_says_so(store):
    with pytest.raises(AssessmentError, match="没有编号为 7 的自评"):
        store.load(7)
    store.save("自评", DRAFT)
    with pytest.raises(AssessmentError, match="没有编号为 7 的自评"):
        store.save("自评", DRAFT, assessment_id=7)


def answer_rows(data_dir) -> list[tuple]:
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db:
        return db.execute("SELECT assessment_id, item_id FROM answer ORDER BY assessment_id, item_id"
                          ).fetchall()


def test_deleting_removes_the_assessment_and_its_answers_and_leaves_the_others(store, data_dir):
    kept = store.save("一季度", DRAFT)
    deleted = store.save("二季度", DRAFT)
    store.delete(deleted)
    assert [item.id for item in store.saved()] == [kept]
    assert {assessment_id for assessment_id, _ in answer_rows(data_dir)} == {kept}
    assert store.load(kept).answers == DRAFT
    with pytest.raises(AssessmentError, match=f"没有编号为 {deleted} 的自评"):
        store.load(deleted)


def test_deleting_an_unknown_assessment_says_so_and_changes_nothing(store, data_dir):
    with pytest.raises(AssessmentError, match="^没有编号为 7 的自评。$"):
        store.delete(7)
    assert not (data_dir / DB_FILE).exists()
    saved_id = store.save("自评", DRAFT)
    before = answer_rows(data_dir)
    with pytest.raises(AssessmentError, match="^没有编号为 7 的自评。$"):
        store.delete(7)
    assert answer_rows(data_dir) == before and [item.id for item in store.saved()] == [saved_id]
