"""Question concepts and their weights over the real index of the standard."""
import pytest

from knowledge.concepts import ConceptStatistics, question_concepts


@pytest.fixture(scope="module")
def statistics(built_services) -> ConceptStatistics:
    return built_services.knowledge.current().concepts


def firsts(question: str) -> list[str]:
    return [concept.terms[0] for concept in question_concepts(question)]


def test_a_colloquial_word_becomes_its_thesaurus_group():
    concepts = question_concepts("外包商提供的场地有什么要求?")
    site = next(concept for concept in concepts if "场地" in concept.terms)
    assert site.terms[0] == "运营场所" and site.found_in("由承包方负责提供运营场所")
    assert "场地" not in firsts("外包商提供的场地有什么要求?")  # counted once, as the group


def test_function_words_are_not_concepts():
    words = firsts("我们能不能只外包人员,场地和系统还是自己的?")
    assert {"能", "不能", "只", "还是", "自己", "我们"}.isdisjoint(words)
    assert {"人员", "运营场所", "系统", "外包"} <= set(words)


def test_the_relation_a_question_asks_about_is_not_a_concept():
    assert "包括" not in firsts("系统外包包括什么?")
    assert "包含" not in firsts("服务目录应该包含哪些外包要素?")
    assert "包括" in firsts("外包策略要不要包括分级管理?")  # here it is what is asked


def test_setting_up_a_body_is_one_concept_however_it_is_said():
    setup = next(c for c in question_concepts("外包管理要成立什么委员会?") if "成立" in c.terms)
    assert setup.found_in("应设置层级清晰的服务外包管理的组织结构")


def test_rare_concepts_weigh_more_than_common_ones(statistics):
    audit, outsourcing = (next(c for c in question_concepts("内审能外包吗") if term in c.terms)
                          for term in ("内审", "外包"))
    assert statistics.weight(audit) > statistics.weight(outsourcing) > 0


def test_coverage_is_the_weighted_share_found(statistics):
    concepts = question_concepts("风控能不能交给承包商?")
    both = "战略管理、风险管理不应外包给承包方"
    assert statistics.coverage(concepts, both) == 1.0
    assert 0 < statistics.coverage(concepts, "承包方") < statistics.coverage(concepts, "风险管理")
    assert statistics.coverage(concepts, "天气晴") == 0.0


def test_known_share_tells_an_unrelated_question(statistics):
    assert statistics.known_share(question_concepts("明天天气怎么样")) == 0.0
    assert statistics.known_share(question_concepts("外包场地有什么要求?")) == 1.0


def test_unknown_nouns_are_those_no_document_contains(statistics):
    assert statistics.unknown_nouns(question_concepts("外包商违约金怎么约定?")) == ["违约金"]
    # a compound of known words ("保密" + "制度") is not unknown, nor are English words
    assert statistics.unknown_nouns(question_concepts("外包保密制度是必须要有的吗?")) == []
    assert statistics.unknown_nouns(question_concepts("What penalty applies?")) == []


def test_an_acronym_that_is_an_english_word_counts_only_as_written():
    assert "信息科技" in firsts("IT系统能外包吗?")
    assert "信息科技" not in firsts("Can we outsource it to a vendor?")


def test_english_thesaurus_terms_match_their_inflections():
    from ingest.tokenize import mentioned_synonym_terms

    assert {"approve", "analyse"} <= set(mentioned_synonym_terms("What is analysed before approving?"))
    assert "policy" in mentioned_synonym_terms("Which policies apply?")
    assert "sign" not in mentioned_synonym_terms("Which design applies?")  # whole words only


def test_an_overview_clause_is_matched_by_its_sections_title(built_services):
    from knowledge.rerank import subject_title

    chunks = {chunk.clause: chunk for chunk in built_services.knowledge.current().chunks}
    assert subject_title(chunks["4.1"]) == "外包要素"  # "4.1 概述" under "4 外包要素"
    assert subject_title(chunks["4.4"]) == "系统外包"
