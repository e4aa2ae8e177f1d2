"""首页: a reader sees what is loaded, how many clauses there are, and what the copy lacks."""
from streamlit.testing.v1 import AppTest


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def as_read(blocks) -> str:
    """Markdown blocks as the reader sees them (the app escapes Markdown specials)."""
    return "\n".join(block.value for block in blocks).replace("\\", "")


def test_home_counts_the_loaded_document_and_its_clauses(app_test):
    at = app_test()

    assert not at.exception
    assert metrics(at)["已加载文档"] == "1"
    assert metrics(at)["条款总数"] == "28"
    assert not at.warning


def test_home_lists_what_the_loaded_copy_lacks(app_test):
    at = app_test()

    card = as_read(at.container[0].markdown)
    assert "这份文本的缺漏" in card
    assert "「人员外包」在原文中缺少编号,按前后条款推断为 4.2" in card
    assert "5.3.3 采购流程 只有标题,没有正文" in card
    assert "中断" in card


def test_home_without_an_index_tells_how_to_build_it(app_test, data_dir):
    at = app_test(data_dir=data_dir)

    assert not at.exception
    assert "知识库索引尚未建立" in at.warning[0].value
    assert "python -m ingest build" in at.warning[0].value
    assert metrics(at)["检索片段"] == "0"


def test_a_missing_local_model_is_a_message_on_the_page(app_test, data_dir, monkeypatch):
    monkeypatch.setenv("CSC_EMBEDDING_BACKEND", "sentence-transformers")
    monkeypatch.setenv("CSC_EMBEDDING_MODEL_PATH", str(data_dir / "no-such-model"))
    at = app_test(data_dir)
    assert not at.exception
    assert at.error[0].value.startswith("找不到本地向量模型目录")


def test_an_unexpected_error_shows_an_error_id_and_no_traceback(app_test, monkeypatch, caplog):
    from knowledge.base import KnowledgeBase

    def broken(self):
        raise RuntimeError("/secret/path/inside.py exploded")

    monkeypatch.setattr(KnowledgeBase, "snapshot", broken)
    at = app_test()
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("出错了,操作没有完成(错误编号 ") and "secret" not in message
    error_id = message.split("错误编号 ")[1][:8]
    assert any(error_id in record.getMessage() and record.exc_info for record in caplog.records)
