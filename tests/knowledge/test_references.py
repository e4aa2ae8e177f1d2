"""Clause numbers named in questions."""
import pytest

from knowledge.references import clause_references


def named(question: str) -> list[tuple[str, str, bool]]:
    return [(r.number, r.kind, r.explicit) for r in clause_references(question)]


@pytest.mark.parametrize("question, expected", [
    ("5.1.2条说了什么?", [("5.1.2", "", True)]),
    ("第4.3条的内容是什么?", [("4.3", "", True)]),
    ("国标第三章讲什么?", [("3", "章", True)]),
    ("外包细则第二十五条怎么规定的", [("25", "条", True)]),
    ("What does clause 5.2.1 say?", [("5.2.1", "", True)]),
    ("2.3是什么", [("2.3", "", False)]),
    ("5.1.2和5.2.3分别说了什么", [("5.1.2", "", False), ("5.2.3", "", False)]),
])
def test_references_are_found_with_their_kind(question, expected):
    assert named(question) == expected


@pytest.mark.parametrize("question", ["费用涨了2.5倍怎么办", "接通率要到99.5%吗", "第三方机构能做吗",
                                      "GB/T 32314-2015 是哪年发布的", "20秒接通率多少"])
def test_quantities_and_ordinals_are_not_references(question):
    assert clause_references(question) == []


def test_a_reference_names_gb_and_regulation_clauses():
    [chapter] = clause_references("第三章讲什么")
    assert chapter.names("3") and chapter.names("第三章") and not chapter.names("第三条")
    [article] = clause_references("第3条")
    assert article.names("3") and article.names("第三条") and not article.names("第三章")
    [dotted] = clause_references("5.1条")
    assert dotted.names("5.1") and not dotted.names("5.1.2")
