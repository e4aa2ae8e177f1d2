"""The clause parser on our copy of the standard and on documents written for these tests."""
import json
from pathlib import Path

import pytest

from ingest.documents import DocumentInfo, info_for_file, parse_document
from tests.docgen import write_docx, write_pdf

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "corpus" / "000_9215376e8002a05a.txt"
MAX_BYTES = 20 * 1024 * 1024
BOILERPLATE = ("本文档共", "原创力", "book118", "400-050-0827", "文档评论", "相关文档", "IP属地",
               "92411327MAD627N96D", "VIP", ".pdf", "查看更多", "内容提供者")


def parse(path: Path, data: bytes | None = None):
    return parse_document(data if data is not None else path.read_bytes(), info_for_file(path),
                          MAX_BYTES)


@pytest.fixture(scope="module")
def standard():
    return parse(CORPUS)


def by_id(document):
    return {clause.clause: clause for clause in document.clauses}


def test_our_copy_has_exactly_the_expected_clauses_in_order(standard):
    expected = ["1", "2", "2.1", "2.2", "2.3", "2.4", "2.5", "3", "4", "4.1", "4.2", "4.3", "4.4",
                "4.5", "4.6", "5", "5.1", "5.1.1", "5.1.2", "5.1.3", "5.2", "5.2.1", "5.2.2",
                "5.2.3", "5.3", "5.3.1", "5.3.2", "5.3.3"]
    assert [clause.clause for clause in standard.clauses] == expected
    assert standard.style == "gb"


def test_no_boilerplate_in_any_clause(standard):
    for clause in standard.clauses:
        for marker in BOILERPLATE:
            assert marker not in clause.text + clause.title, (clause.clause, marker)


@pytest.mark.parametrize("clause_id, flags", [
    ("1", ("truncated",)), ("4.2", ("inferred",)), ("5.2.2", ("inferred",)),
    ("5.3.3", ("empty",)), ("4", ()), ("4.3", ()), ("5.1.1", ()), ("2.1", ()),
])
def test_flags(standard, clause_id, flags):
    assert by_id(standard)[clause_id].flags == flags


@pytest.mark.parametrize("clause_id, title, english, text_start", [
    ("2.1", "客户服务中心", "customerservicecenter", "利用电话"),
    ("2.4", "服务目录", "servicecatalogue", "服务承包方提供"),
    ("2.5", "服务级别协议", "servicelevelagreement(SLA)", "服务承包方与"),
    ("4.2", "人员外包", "", "在明确工作职责"),
    ("4.3", "运营场所外包", "", "由承包方负责提供运营场所"),
])
def test_titles_terms_and_text(standard, clause_id, title, english, text_start):
    clause = by_id(standard)[clause_id]
    assert (clause.title, clause.english) == (title, english)
    assert clause.text.startswith(text_start)


def test_wrapped_lines_are_joined_and_paths_are_complete(standard):
    clauses = by_id(standard)
    assert "多种方式为客户提供各类售前" in clauses["2.1"].text
    assert "\n" not in clauses["4.3"].text
    assert clauses["5.2.3"].text.count("\n") == 4  # the four "——" list items stay lines
    assert clauses["5.1.2"].path == ("5 发包方管理", "5.1 战略管理", "5.1.2 范围管理")
    assert clauses["4.2"].position < clauses["4.3"].position


def test_gaps_are_told_in_plain_chinese(standard):
    gaps = "\n".join(standard.gaps)
    assert "1 范围 开头缺失" in gaps and "推断为 4.2" in gaps and "推断为 5.2.2" in gaps
    assert "5.3.3 采购流程 只有标题" in gaps and "中断" in gaps


@pytest.mark.parametrize("name", ["gb_deep_sample", "regulation_sample",
                                  "gb_excerpt", "regulation_excerpt"])  # excerpts: mid-way, gaps
def test_written_documents_parse_to_their_expected_outline(name):
    expected = json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))
    document = parse(DATA / f"{name}.txt")
    assert [clause.clause for clause in document.clauses] == expected["clauses"]
    body = "\n".join(clause.text for clause in document.clauses)
    for line in expected["not_headings"]:
        assert line in body
    for before, after in expected["wrapped_lines"]:
        assert before + after in body
    for noise in expected["noise_lines"]:
        assert noise not in body


def test_five_levels_and_regulation_numerals():
    deep = by_id(parse(DATA / "gb_deep_sample.txt"))
    assert deep["11.5.14.2.1"].path[0].startswith("11 ")
    assert deep["11.5.14.2.1"].level == 5
    regulation = by_id(parse(DATA / "regulation_sample.txt"))
    assert regulation["第二十三条"].path[0].startswith("第四章") or regulation["第二十三条"].path
    assert regulation["第十条"].text  # glued "第十条风险管理部门…" is still an article


def test_gbk_file_parses_like_utf8():
    utf8 = parse(DATA / "gb_deep_sample.txt")
    gbk = parse(DATA / "gb_deep_sample.gbk.txt")
    assert [(c.clause, c.title, c.text) for c in gbk.clauses] == \
        [(c.clause, c.title, c.text) for c in utf8.clauses]


def test_unnumbered_document_falls_back_to_paragraphs():
    document = parse(DATA / "policy_unnumbered.txt")
    assert document.style == "paragraphs"
    assert document.clauses and all(c.flags == ("unnumbered",) for c in document.clauses)


@pytest.mark.parametrize("writer, suffix", [(write_docx, ".docx"), (write_pdf, ".pdf")])
def test_same_document_as_docx_and_pdf(tmp_path, writer, suffix):
    expected = json.loads((DATA / "gb_deep_sample.expected.json").read_text(encoding="utf-8"))
    text = "\n".join(line for line in (DATA / "gb_deep_sample.txt").read_text(encoding="utf-8")
                     .splitlines() if line not in expected["noise_lines"])
    path = tmp_path / f"gb_deep_sample{suffix}"
    if writer is write_pdf:
        writer(text, path, header="GB/T 99999—2099")
    else:
        writer(text, path)
    document = parse(path)
    assert [clause.clause for clause in document.clauses] == expected["clauses"]
    body = "\n".join(clause.text for clause in document.clauses)
    assert "GB/T 99999" not in body and "- 2 -" not in body


@pytest.mark.parametrize("name", ["gb_excerpt", "regulation_excerpt"])
@pytest.mark.parametrize("writer, suffix", [(write_docx, ".docx"), (write_pdf, ".pdf")])
def test_excerpts_parse_to_their_outline_as_docx_and_pdf(tmp_path, name, writer, suffix):
    """A chapter copied out of a longer document, with clauses left out: numbered as written."""
    expected = json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))
    path = writer((DATA / f"{name}.txt").read_text(encoding="utf-8"), tmp_path / f"{name}{suffix}")
    document = parse(path)
    assert [clause.clause for clause in document.clauses] == expected["clauses"]
    body = "\n".join(clause.text for clause in document.clauses)
    assert all(line in body for line in expected["not_headings"])


def test_a_docx_table_is_read_into_its_own_clause(tmp_path):
    text = ("1 范围\n本办法适用于客服外包。\n2 服务水平\n承包方应达到下表的服务水平:\n"
            "3 考核\n发包方按月考核。\n")
    rows = [["指标", "目标值"], ["人工接通率", "≥ 92%"], ["20秒服务水平", "≥ 80%"], ["1", "放弃率 ≤ 5%"]]
    path = write_docx(text, tmp_path / "sla.docx", tables={"承包方应达到下表的服务水平:": rows})
    clauses = by_id(parse(path))
    assert list(clauses) == ["1", "2", "3"]  # a row starting with a number is no heading
    assert "人工接通率 | ≥ 92%" in clauses["2"].text and "1 | 放弃率 ≤ 5%" in clauses["2"].text
    assert "人工接通率" not in clauses["3"].text


def test_articles_past_nine_hundred_and_ninety_nine_are_their_own_clauses():
    text = "某办法\n" + "\n".join(f"第{number}条 第{number}条的规定。" for number in range(995, 1006))
    document = parse_document(text.encode(), DocumentInfo("long", "长办法", "长办法", "long.txt"),
                              2**20)
    assert [clause.clause for clause in document.clauses] == [f"第{n}条" for n in range(995, 1006)]
