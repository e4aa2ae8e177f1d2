"""问答质量: the bank's own cases, runs of every set and their history."""
import pytest

from scoring.assistant.quality import BANK_SET, SHIPPED_SETS, QualityError, QualityStore, run_table


@pytest.fixture
def quality(data_dir) -> QualityStore:
    return QualityStore(data_dir)


def test_a_disliked_answer_becomes_a_case_that_is_evaluated(quality, built_services):
    quality.add_case("外包场地要满足什么条件?", ["4.3"], "没提消防")
    quality.add_case("外包合同要不要公证?", None)
    assert quality.rows(BANK_SET) == [{"q": "外包场地要满足什么条件?", "clauses": ["4.3"]},
                                      {"q": "外包合同要不要公证?", "uncovered": True}]
    run = quality.run(BANK_SET, built_services.ask)
    assert run.report["questions"] == 2 and run.report["recall_at_1"] == 1.0
    [kept] = quality.runs()
    assert kept.report == run.report and kept.set_name == BANK_SET
    [row] = run_table(quality.runs())
    assert row["评估集"] == BANK_SET and row["recall@1"] == 1.0


def test_the_shipped_sets_are_there(quality):
    assert list(SHIPPED_SETS) == ["黄金集", "另写集", "问法集"]
    assert all(len(quality.rows(name)) >= 90 for name in SHIPPED_SETS)


@pytest.mark.parametrize("question, clauses, message", [
    ("   ", ["4.3"], "问题为空"), ("问" * 501, ["4.3"], "超过 500 字"),
    ("外包场地要求?", [], "请选择回答应当引用的条款"),
])
def test_bad_cases_are_refused(quality, question, clauses, message):
    with pytest.raises(QualityError, match=message):
        quality.add_case(question, clauses)
    assert quality.cases() == []


def test_an_empty_bank_set_cannot_be_run(quality, built_services):
    with pytest.raises(QualityError, match="还没有题目"):
        quality.run(BANK_SET, built_services.ask)


def test_cases_can_be_deleted(quality):
    case = quality.add_case("外包场地要满足什么条件?", ["4.3"])
    quality.delete_case(case)
    assert quality.cases() == []
    with pytest.raises(QualityError, match="没有编号为"):
        quality.delete_case(case)


def test_a_damaged_file_is_reported_and_left_alone(quality):
    quality.path.parent.mkdir(parents=True, exist_ok=True)
    quality.path.write_bytes(b"not a database" * 50)
    with pytest.raises(QualityError, match="无法读取"):
        quality.cases()
    assert quality.path.read_bytes() == b"not a database" * 50
