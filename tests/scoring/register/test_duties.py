"""The duty miner on rule documents written for these tests (planted duties and planted traps,
both numbering styles, Chinese and Arabic numerals), on single sentences, and on our corpus."""
import json
from pathlib import Path

import pytest

from ingest.documents import DocumentInfo, info_for_file, parse_document
from scoring.register.duties import CandidateDuty, mine, new_since, period_label
from tests.docgen import write_docx

DATA = Path(__file__).resolve().parents[2] / "data" / "duties"
DOCUMENTS = ["regulation_duties.txt", "gb_duties.txt"]
MAX_BYTES = 20 * 1024 * 1024


def parse(path: Path, data: bytes | None = None):
    return parse_document(path.read_bytes() if data is None else data, info_for_file(path),
                          MAX_BYTES)


def expected(name: str) -> dict:
    return json.loads((DATA / name.replace(".txt", ".expected.json")).read_text(encoding="utf-8"))


def planted_match(duty: CandidateDuty, planted: list[dict]) -> dict | None:
    return next((item for item in planted
                 if item["clause"] == duty.clause and item["quote"] in duty.quote), None)


@pytest.fixture(scope="module", params=DOCUMENTS)
def mined(request):
    document = parse(DATA / request.param)
    return document, mine([document]), expected(request.param)


def test_every_planted_duty_is_found_with_its_period_and_deadline(mined):
    _, candidates, planted = mined
    for item in planted["duties"]:
        found = [duty for duty in candidates if planted_match(duty, [item])]
        assert len(found) == 1, item
        duty = found[0]
        assert (duty.period, duty.deadline, duty.kind) == \
            (item["period"], item["deadline"], item["kind"]), item


def test_nothing_is_proposed_beyond_the_planted_duties(mined):
    _, candidates, planted = mined
    assert [duty.quote for duty in candidates if not planted_match(duty, planted["duties"])] == []
    assert len(candidates) == len(planted["duties"])


def test_no_trap_is_proposed(mined):
    document, candidates, planted = mined
    texts = {clause.clause: clause.text for clause in document.clauses}
    for trap in planted["traps"]:
        assert trap["text"] in texts[trap["clause"]], trap  # the trap is really there
        assert not [duty for duty in candidates
                    if duty.clause == trap["clause"] and trap["text"] in duty.quote], trap


def test_quotes_are_verbatim_and_candidates_complete(mined):
    document, candidates, _ = mined
    clauses = {clause.clause: clause for clause in document.clauses}
    for duty in candidates:
        assert duty.quote in clauses[duty.clause].text
        assert (duty.doc, duty.doc_id) == (document.info.short_name, document.info.doc_id)
        assert duty.title == clauses[duty.clause].title
        assert set(duty.as_json()) == {"doc", "doc_id", "clause", "title", "quote", "period",
                                       "deadline", "kind", "key"}
    assert len({duty.key for duty in candidates}) == len(candidates)


def test_both_numbering_styles_are_covered():
    assert [parse(DATA / name).style for name in DOCUMENTS] == ["regulation", "gb"]
    kinds = {duty.kind for name in DOCUMENTS for duty in mine([parse(DATA / name)])}
    assert kinds == {"recurring", "deadline", "retention"}


def test_a_docx_of_the_same_rules_offers_the_same_duties(tmp_path):
    text_file = DATA / "regulation_duties.txt"
    docx = write_docx(text_file.read_text(encoding="utf-8"), tmp_path / "regulation_duties.docx")
    from_text, from_docx = mine([parse(text_file)]), mine([parse(docx)])
    assert [duty.key for duty in from_docx] == [duty.key for duty in from_text]
    assert new_since(from_docx, {duty.key for duty in from_text}) == []


def test_a_re_ingested_document_offers_only_what_is_new():
    path = DATA / "regulation_duties.txt"
    text = path.read_text(encoding="utf-8")
    before = mine([parse(path)])
    known = {duty.key for duty in before}
    assert [duty.key for duty in mine([parse(path)])] == [duty.key for duty in before]
    revised = (text.replace("应当按季度对外包服务商开展服务质量考核", "应当按月对外包服务商开展服务质量考核")
               .replace("每年至少召开两次会议，", "每年至少召开两次会议,")  # layout only
               + "第二十五条　外包服务商应当每年组织一次消防演练。\n")
    after = mine([parse(path, revised.encode("utf-8"))])
    offered = new_since(after, known)
    assert [(duty.clause, duty.period) for duty in offered] == [("第六条", "P1M"),
                                                                ("第二十五条", "P1Y")]
    assert len(after) == len(before) + 1


def mine_sentence(text: str) -> list[CandidateDuty]:
    info = DocumentInfo(doc_id="t", short_name="t", title="t", file="t.txt")
    return mine([parse_document(text.encode("utf-8"), info, MAX_BYTES)])


@pytest.mark.parametrize("sentence, period, deadline, kind", [
    ("外包服务商应当每年至少开展一次应急演练。", "P1Y", None, "recurring"),
    ("发包方每季度至少开展一次现场检查。", "P3M", None, "recurring"),
    ("风险管理部门应当每半年评估一次外包风险。", "P6M", None, "recurring"),
    ("内部审计部门应当每两年开展一次专项审计。", "P2Y", None, "recurring"),
    ("外包服务商应每3个月开展一次应急演练。", "P3M", None, "recurring"),
    ("发包方应按月对承包方的服务质量进行检查。", "P1M", None, "recurring"),
    ("外包服务商应当于次月十日前报送上月服务报告。", "P1M", "次月十日前", "recurring"),
    ("外包服务商应当于每年3月31日前报送上一年度外包评估报告。", "P1Y", "每年3月31日前", "recurring"),
    ("发包方应当开展年度评估。", "P1Y", None, "recurring"),
    ("承包方应在年度结束后四个月内提交审计报告。", "P1Y", "年度结束后四个月内", "recurring"),
    ("重大投诉应当在24小时内上报委托方。", None, "24小时内", "deadline"),
    ("发生重大投诉的,外包服务商应在四十八小时内报告本行。", None, "四十八小时内", "deadline"),
    ("承包方应在合同终止后30日内移交全部业务数据。", None, "30日内", "deadline"),
    ("合同到期前三个月,发包方应当完成续约评估。", None, "到期前三个月", "deadline"),
    ("发生信息泄露的,外包服务商应当于当日报告本行。", None, "当日", "deadline"),
    ("通话录音应保存不少于三年。", "P3Y", None, "retention"),
    ("业务档案应当保存至合同终止后五年。", "P5Y", None, "retention"),
    ("外包服务商的资质证明有效期两年,到期应重新核验。", "P2Y", None, "retention"),
])
def test_a_duty_sentence(sentence, period, deadline, kind):
    [duty] = mine_sentence(sentence)
    assert (duty.period, duty.deadline, duty.kind) == (period, deadline, kind)
    assert duty.quote == sentence.rstrip("。")


@pytest.mark.parametrize("sentence", [
    "项目经理应当具有三年以上客户服务中心管理经验。",  # a qualification
    "外包服务商近三年内无重大违法违规记录的,方可参与遴选。",  # a qualification
    "坐席人员应当年满十八周岁。",  # an age
    "本行应于2025年1月1日前完成首次分级。",  # a date
    "本行应当在2025年内完成系统迁移。",  # a year
    "本行应当将外包纳入五年规划。",  # a plan's name
    "本行应当在第一季度完成首轮评估,第一季度考核结果不计入。",  # a specific quarter
    "本行应当于2024年度评估报告中说明外包情况。",  # a specific year
    "本办法所称月度报告,是指外包服务商每月提交的服务报告。",  # a definition
    "为规范每季度考核,根据有关规定,制定本办法。",  # a purpose clause
    "本办法自2025年1月1日起施行,有效期五年。",  # an effective date
    "本细则由总行客户服务部负责解释,有效期三年。",  # an interpretation clause
    "外包服务商应当定期报告服务情况。",  # no period is stated: none is invented
    "每季度的服务数据如下表所示。",  # a period but no duty
])
def test_not_a_duty(sentence):
    assert mine_sentence(sentence) == []


@pytest.mark.parametrize("period, kind, label", [
    ("P3M", None, "每季度"), ("P1Y", "recurring", "每年"), ("P3Y", "retention", "3年"),
    ("P2Y", "recurring", "每2年"), ("P6M", "retention", "6个月"), ("P1Y", "retention", "1年"),
    ("P3Y", None, "3年"), (None, None, ""),
])
def test_period_label(period, kind, label):
    assert period_label(period, kind) == label


def test_the_shipped_corpus(built_services):
    documents = built_services.knowledge.documents()
    candidates = mine(documents)
    clauses = {(document.info.doc_id, clause.clause): clause.text
               for document in documents for clause in document.clauses}
    for duty in candidates:
        assert duty.quote in clauses[duty.doc_id, duty.clause]
    # our copy of GB/T 32314 (read through: clauses 1 to 5.3.3) sets no period and no deadline
    # anywhere (no 每…, …内, 保存, 有效期, 年度, 季度, 小时): nothing may be proposed from it
    assert candidates == []
