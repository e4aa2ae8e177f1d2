"""Hostile and broken input at every door of the app: each gets a clear Chinese message (or a
normal answer), never a traceback, and nothing already stored changes."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import pytest

from errors import UserError
from knowledge.answer import answer_question
from scoring.scope.function_list import prepare, read_upload
from scoring.sla.store import DATABASE_FILE, SlaStore
from settings import load_settings

HEADER = "call_id,vendor,queue,arrived_at,answered_at,ended_at,talk_s,hold_s,acw_s"
GOOD_ROW = "C{n},华信客服,信用卡,2025-03-01 09:00:00,2025-03-01 09:00:10,2025-03-01 09:05:00,120,0,0"


def calls(*rows: str, good: int = 3) -> bytes:
    return "\n".join([HEADER, *(GOOD_ROW.format(n=n) for n in range(good)), *rows]).encode()


def bomb(inner: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(inner, b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


# (question, what the answer must say: "covered" a cited answer, "answered" any answer)
QUESTIONS = [
    ("", "请输入问题"),
    ("   \n\t ", "请输入问题"),
    ("外包" * 400, "问题太长"),
    ("\ud800外包场地有什么要求？", "covered"),
    ("外包\x00场地\x1b[31m有什么要求？", "covered"),
    ("<script>alert(1)</script>外包场地有什么要求？", "covered"),
    ("[点我](javascript:alert(1)) 外包场地有什么要求？", "covered"),
    ("'; DROP TABLE calls; -- 外包场地有什么要求？", "covered"),
    ("=HYPERLINK(\"http://evil.example\") 外包场地?", "answered"),
    ("\u202e外包场地有什么要求？", "covered"),
    ("😀😀😀", "超出了本助手的范围"),
    ("?!。,,,", "超出了本助手的范围"),
    ("第99999999999999999999条说了什么", "已加载的文档中没有"),
    ("9.9.9.9.9条说了什么", "已加载的文档中没有"),
]


@pytest.mark.parametrize("question, expected", QUESTIONS)
def test_a_hostile_question_gets_a_message_or_a_plain_answer(built_services, question, expected):
    try:
        answer = answer_question(built_services.knowledge, question)
    except UserError as error:
        assert expected in str(error)
        return
    if expected == "covered":
        assert answer.covered and all(c.quote in c.text for c in answer.citations)
    elif expected != "answered":
        assert expected in answer.answer


# (file name, content, what the refusal says)
DOCUMENTS = [
    ("empty.txt", b"", "是空的"),
    ("zeros.txt", b"\0" * 4096, "不是文本文件"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "不是文本文件"),
    ("bomb.docx", bomb("word/document.xml"), "压缩炸弹"),
    ("fake.docx", b"PK\x03\x04 not a zip", "已损坏"),
    ("fake.pdf", b"%PDF-1.7\n%%EOF", "已损坏"),
    ("run.exe", b"MZ\x90\x00", "不支持的文件类型 .exe"),
    ("../../etc/passwd.txt", "第一条 外包管理应当合规。\n第二条 另一条规定。".encode(), ""),
    ("<img src=x>.txt", "第一条 正文内容足够长的规定。\n第二条 另一条规定。".encode(), ""),
    ("huge.txt", b"x" * (21 * 1024 * 1024), "超过上限"),
]


@pytest.mark.parametrize("name, content, expected", DOCUMENTS)
def test_a_hostile_document_is_refused_or_read_as_text(built_services, name, content, expected):
    library = built_services.knowledge.library
    try:
        preview = library.preview(content, name)
    except UserError as error:
        assert expected and expected in str(error)
        return
    assert not expected and preview.clauses and "/" not in preview.info.file


# (file name, content, what the import or its rejected rows say)
SLA_FILES = [
    ("late_ragged.csv", calls("C9,华信客服,信用卡,a,b,c,d,e,f,g,h", good=30000), "这一行有 11 列"),
    ("late_gbk.csv", calls(good=25000) + b"\n" + GOOD_ROW.format(n=99999).encode("gbk"),
     "文字编码与文件其他部分不同"),
    ("unclosed.csv", calls('"C9,华信客服,信用卡'), "引号未闭合"),
    ("infinite.csv", calls(GOOD_ROW.format(n=9).replace(",120,", ",inf,")), "不是有限的数"),
    ("nan.csv", calls(GOOD_ROW.format(n=9).replace(",120,", ",NaN,")), "不是有限的数"),
    ("overflow.csv", calls(GOOD_ROW.format(n=9).replace(",120,", ",1e309,")), "不是有限的数"),
    ("future.csv", calls(GOOD_ROW.format(n=9).replace("2025-03-01", "2099-03-01")), "不在合理范围内"),
    ("past.csv", calls(GOOD_ROW.format(n=9).replace("2025-03-01", "1900-03-01")), "不在合理范围内"),
    ("ten_days.csv", calls(GOOD_ROW.format(n=9).replace(",120,", ",864000,")), "超过 24 小时"),
    ("negative.csv", calls(GOOD_ROW.format(n=9).replace(",120,", ",-5,")), "为负数"),
    ("duplicate.csv", calls(GOOD_ROW.format(n=1)), "重复"),
    ("formula.csv", calls(GOOD_ROW.format(n=9).replace("华信客服", "=1+1").replace(",120,", ",x,")),
     "不是数字"),
    ("empty.csv", b"", "是空的"),
    ("header_only.csv", HEADER.encode(), "只有表头"),
    ("binary.csv", b"\x89PNG" + b"\x00" * 100, "不是文本文件"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "旧版 Excel"),
    ("bomb.xlsx", bomb("xl/worksheets/sheet1.xml"), "解压后异常巨大"),
    ("fake.parquet", b"not parquet", "不是有效的 Parquet"),
    ("wrong.csv", "姓名,电话\n张三,123\n".encode(), "无法识别文件"),
]


@pytest.mark.parametrize("name, content, expected", SLA_FILES)
def test_a_hostile_sla_file_is_refused_whole_with_its_reasons(data_dir, name, content, expected):
    store = SlaStore(data_dir / DATABASE_FILE)
    try:
        result = store.import_file(content, name)
    except UserError as error:
        assert expected in str(error)
    else:
        assert not result.stored and any(expected in message for message in result.messages(50))
    assert store.counts() == {"calls": 0, "reports": 0, "imports": 0}
    store.close()


# (an uploaded or typed list of functions, what the refusal says)
FUNCTION_LISTS = [
    (lambda: read_upload(b"", "list.csv", 1 << 20), "是空的"),
    (lambda: read_upload("名称\n外呼\n".encode(), "list.csv", 1 << 20), "第一行没有「职能」列"),
    (lambda: read_upload(b"PK\x03\x04", "list.xlsx", 1 << 20), "无法读取 Excel"),
    (lambda: read_upload(b"x", "list.pdf", 1 << 20), "不支持的文件类型"),
    (lambda: prepare(["外呼" * 101], 500), "超过 200 字"),
    (lambda: prepare([f"职能{n}" for n in range(501)], 500), "一次最多检查 500 项"),
    (lambda: prepare(["", "  "], 500), "没有要检查的职能"),
]


@pytest.mark.parametrize("call, expected", FUNCTION_LISTS)
def test_a_hostile_function_list_is_refused(call: Callable, expected):
    with pytest.raises(UserError, match=expected):
        call()


@pytest.mark.parametrize("elements, others, expected", [
    (["火星基地"], [], "未知的外包要素「火星基地」"),
    (["人员"], ["很" * 41], "超过 40 字"),
    (["人员"], ["=cmd|' /C calc'!A0"], ""),
])
def test_hostile_element_choices(model, elements, others, expected):
    try:
        plan = model.plan(model.combine(elements, others))
    except UserError as error:
        assert expected and expected in str(error)
        return
    assert not expected and plan.combination.others == tuple(others)


@pytest.mark.parametrize("variable, value", [
    ("CSC_RETRIEVAL_K", "-1"), ("CSC_RETRIEVAL_K", "1e3"), ("CSC_DENSE_WEIGHT", "nan"),
    ("CSC_DENSE_WEIGHT", "inf"), ("CSC_EMBEDDING_BACKEND", "../../model"),
])
def test_a_hostile_setting_names_its_variable_in_chinese(variable, value):
    with pytest.raises(UserError, match=f"环境变量 {variable}"):
        load_settings(environ={variable: value})


def test_the_suite_keeps_at_least_forty_hostile_inputs():
    assert len(QUESTIONS) + len(DOCUMENTS) + len(SLA_FILES) + len(FUNCTION_LISTS) + 3 + 5 >= 40
