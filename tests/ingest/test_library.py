"""The document library on the real index: add, version, restore, remove — all or nothing."""
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from ingest.errors import IngestError
from ingest.index import read_manifest
from knowledge.answer import answer_question
from knowledge.base import KnowledgeBase
from settings import load_settings
from tests.docgen import write_docx

DATA = Path(__file__).resolve().parents[1] / "data"
POLICY_V1 = """某银行客服外包管理细则
第一章 总则
第一条 为规范客服外包管理,制定本细则。
第二条 外包坐席每年应接受不少于40学时的合规培训。
第二章 附则
第三条 本细则自发布之日起施行。
"""
POLICY_V2 = POLICY_V1.replace("不少于40学时", "不少于60学时")
LONG_POLICY = "长细则\n" + "\n".join(  # enough new text for several embedding batches
    f"第{n}条 外包服务商第{n}项职责应当按季度向发包方书面报告并存档。" for n in
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
     "十五", "十六", "十七", "十八", "十九", "二十"])


class BrokenEmbeddings(Embeddings):
    """The real model, breaking down after the first texts of a build."""

    def __init__(self, real: Embeddings):
        self.real, self.model_id, self.calls = real, real.model_id, 0

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("embedding failed half-way")
        return self.real.embed_documents(texts[:1]) * len(texts)

    def embed_query(self, text):
        return self.real.embed_query(text)


@pytest.fixture
def base(data_dir) -> KnowledgeBase:
    knowledge_base = KnowledgeBase(load_settings({"data_dir": data_dir}))
    knowledge_base.build()
    return knowledge_base


def add_policy(base: KnowledgeBase, text: str = POLICY_V1, name: str = "细则.txt"):
    return base.change(lambda library: library.add(text.encode(), name, "外包细则", "客服外包管理细则"))


def test_upload_add_ask_replace_remove(base, tmp_path):
    preview = base.library.preview(POLICY_V1.encode(), "细则.txt")
    assert [c.clause for c in preview.clauses] == ["第一章", "第一条", "第二条", "第二章", "第三条"]
    assert read_manifest(base.settings.data_dir, base.embeddings.model_id)["chunks"] == 23

    add_policy(base)
    answer = answer_question(base, "外包坐席每年合规培训要多少学时?")
    assert answer.citations[0].label == "外包细则 第二条" and "40学时" in answer.citations[0].quote

    docx = write_docx(POLICY_V2, tmp_path / "细则v2.docx")
    version, _ = base.change(lambda lib: lib.add_version("外包细则", docx.read_bytes(), docx.name))
    assert version == "v2"
    answer = answer_question(base, "外包坐席每年合规培训要多少学时?")
    assert "60学时" in answer.citations[0].quote
    assert [v.version for v in base.library.entry("外包细则").versions] == ["v1", "v2"]

    base.change(lambda library: library.restore("外包细则", "v1"))
    assert "40学时" in answer_question(base, "外包坐席合规培训多少学时?").citations[0].quote

    base.change(lambda library: library.remove("外包细则"))
    answer = answer_question(base, "外包坐席合规培训多少学时?")
    assert all(citation.doc != "外包细则" for citation in answer.citations + answer.related)


def test_the_same_file_twice_is_already_loaded(base):
    add_policy(base)
    with pytest.raises(IngestError, match="该文件已加载:与「外包细则」的当前版本内容相同"):
        add_policy(base, name="copy.txt")
    shipped = (Path(base.settings.corpus_dir) / "000_9215376e8002a05a.txt").read_bytes()
    assert "GB/T 32314-2015" in base.library.already_loaded(shipped)


def test_two_documents_with_the_same_clause_number_are_told_apart(base):
    add_policy(base, POLICY_V1.replace("第二条 外包坐席", "第二条 外包坐席(风险管理)"))
    labels = {c.label for c in answer_question(base, "风险管理职能能外包吗?").citations}
    assert all(label.startswith(("GB/T 32314-2015 ", "外包细则 ")) for label in labels)


def test_a_question_naming_an_article_is_answered_from_it_in_every_document(base):
    add_policy(base)
    answer = answer_question(base, "第二条说了什么?")
    assert answer.covered and [c.label for c in answer.citations] == ["外包细则 第二条"]
    assert "不少于40学时" in answer.answer
    chapter = answer_question(base, "外包细则第一章讲什么?")
    assert chapter.answer.startswith("第一章 总则 包括:第一条、第二条。")
    # written as a regulation numbers its articles, or as the standard numbers its clauses
    assert [c.label for c in answer_question(base, "第三条的内容是什么").citations] == ["外包细则 第三条"]
    assert [c.clause for c in answer_question(base, "第3条的内容是什么").citations] == ["3"]


@pytest.mark.parametrize("data, name, message", [
    (b"", "empty.txt", "是空的"),
    ((DATA / "binary_renamed.txt").read_bytes(), "x.txt", "不是文本文件"),
    (b"PK\x03\x04 broken", "x.docx", "已损坏"),
    (b"%PDF-1.4 broken", "x.pdf", "已损坏"),
    (POLICY_V1.encode(), "x.xlsx", "不支持的文件类型"),
])
def test_a_bad_file_changes_nothing(base, data, name, message):
    state_before = sorted(p.name for p in Path(base.settings.data_dir).rglob("*"))
    build_before = read_manifest(base.settings.data_dir, base.embeddings.model_id)["build_id"]
    with pytest.raises(IngestError, match=message):
        base.change(lambda library: library.add(data, name, "坏文件", ""))
    assert sorted(p.name for p in Path(base.settings.data_dir).rglob("*")) == state_before
    assert read_manifest(base.settings.data_dir, base.embeddings.model_id)["build_id"] == build_before


def test_failure_half_way_through_embedding_leaves_store_and_index_unchanged(base):
    entries_before = base.library.entries()
    build_before = read_manifest(base.settings.data_dir, base.embeddings.model_id)["build_id"]
    broken = KnowledgeBase(base.settings, BrokenEmbeddings(base.embeddings))
    with pytest.raises(RuntimeError, match="half-way"):
        broken.change(lambda library: library.add(LONG_POLICY.encode(), "细则.txt", "外包细则", ""))
    assert base.library.entries() == entries_before
    assert not (Path(base.settings.data_dir) / "documents" / "外包细则").exists()
    assert read_manifest(base.settings.data_dir, base.embeddings.model_id)["build_id"] == build_before
    assert answer_question(base, "外包场地有什么要求?").citations[0].clause == "4.3"


def test_the_shipped_standard_can_be_replaced_by_an_official_copy_and_restored(base):
    official = (Path(base.settings.corpus_dir) / "000_9215376e8002a05a.txt").read_text(
        encoding="utf-8").replace("5.3.3采购流程", "5.3.3采购流程\n应建立规范的供应商采购流程。")
    base.change(lambda library: library.add_version("gbt-32314-2015", official.encode(),
                                                    "GBT32314-2015.txt"))
    assert answer_question(base, "采购流程有什么要求?").citations[0].clause == "5.3.3"
    base.change(lambda library: library.restore("gbt-32314-2015", "随附"))
    assert not answer_question(base, "采购流程有什么要求?").covered


def test_short_names_stay_unique(base):
    add_policy(base)
    with pytest.raises(IngestError, match="已有简称为「外包细则」的文档"):
        base.change(lambda library: library.add(POLICY_V2.encode(), "b.txt", "外包细则", ""))
