"""Optional generative answers through any OpenAI-compatible endpoint (off unless configured).

The model sees only the clauses the extractive step chose and must cite them as
【<document> 第<clause>条】. Every citation is checked afterwards: one naming a clause it was not
given is removed and the answer says so. Any error or time-out falls back to the extractive answer.
"""
from __future__ import annotations

import re
from dataclasses import replace

from knowledge.answer import Answer, Citation
from settings import Settings

CITATION = re.compile(r"【([^【】]{1,80})】")
SYSTEM_PROMPT = (
    "你是商业银行客户服务中心服务外包管理助手。只能依据用户消息中提供的条款回答,不得使用其他知识。"
    "用简洁的中文先给出结论,再说明依据。每个依据后用【文档 第X条】的格式标注出处,"
    "出处只能是提供的条款。如果提供的条款不足以回答,就回答:已加载的文档未涉及该问题。"
)


def is_enabled(settings: Settings) -> bool:
    return bool(settings.llm_base_url and settings.llm_model)


def _messages(question: str, citations: list[Citation]) -> list[tuple[str, str]]:
    context = "\n\n".join(f"【{citation.label}】\n{citation.text}" for citation in citations)
    return [("system", SYSTEM_PROMPT), ("human", f"条款:\n{context}\n\n问题:{question}")]


def check_citations(text: str, citations: list[Citation]) -> tuple[str, list[Citation], list[str]]:
    """The text without citations of clauses it was not given, the given ones it cited, and the
    removed ones."""
    cited: list[Citation] = []
    removed: list[str] = []

    def keep_or_drop(match: re.Match[str]) -> str:
        reference = re.sub(r"\s+", "", match.group(1))
        for citation in citations:
            if reference.startswith(re.sub(r"\s+", "", citation.label.rsplit(" ", 1)[0])) \
                    or reference == re.sub(r"\s+", "", citation.label):
                if citation not in cited:
                    cited.append(citation)
                return f"【{citation.label}】"
        removed.append(match.group(1))
        return ""

    return CITATION.sub(keep_or_drop, text), cited, removed


def _reason(error: Exception) -> str:
    name = type(error).__name__
    if "Timeout" in name:
        return "超时"
    if "Connection" in name:
        return "无法连接接口"
    status = getattr(error, "status_code", None)
    return f"接口返回错误 {status}" if status else name


def generative_answer(settings: Settings, extractive: Answer) -> Answer:
    """The model's answer grounded in the extractive answer's clauses, or the extractive answer
    with a notice when the model cannot be used."""
    if not extractive.covered or not is_enabled(settings):
        return extractive
    try:
        from langchain_openai import ChatOpenAI

        model = ChatOpenAI(base_url=settings.llm_base_url, model=settings.llm_model,
                           api_key=settings.llm_api_key or "not-needed",
                           timeout=settings.llm_timeout_s, max_retries=0, temperature=0)
        reply = model.invoke(_messages(extractive.question, extractive.citations))
        text = str(reply.content).strip()
    except Exception as error:  # any failure of the remote service: fall back, say why
        return replace(extractive, notices=extractive.notices + [
            f"生成式回答暂不可用({_reason(error)}),以下为摘录式回答。"])
    if not text:
        return replace(extractive, notices=extractive.notices + ["生成式回答为空,以下为摘录式回答。"])
    text, cited, removed = check_citations(text, extractive.citations)
    notices = list(extractive.notices)
    if removed:
        notices.append("已删除模型给出的、不在所提供条款中的引用:" + "、".join(removed) + "。")
    if not cited:
        notices.append("模型回答未标注出处;下列出处为检索到的条款。")
    return replace(extractive, answer=text, citations=cited or extractive.citations,
                   notices=notices, mode="generative")
