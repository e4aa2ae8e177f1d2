"""文档管理: an admin previews an upload, adds it, asks about it, replaces and removes it."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages._resources import services

DATA = Path(__file__).resolve().parents[1] / "data"
POLICY = """某银行客服外包管理细则
第一条 为规范客服外包管理，制定本细则。
第二条 外包坐席每年应接受不少于40学时的合规培训。
第三条 本细则自发布之日起施行。
""".encode()


def library_page(app_test, data_dir) -> AppTest:
    return app_test(data_dir=data_dir).switch_page("pages/library.py").run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    return at.file_uploader(key="library_upload").upload(name, data).run()


def finished(at: AppTest) -> AppTest:
    """Wait for the background job the click started, then look at the page again."""
    services().jobs.wait()
    return at.run()


def notices(at: AppTest) -> list[str]:
    """Messages as the user reads them (the page escapes Markdown specials in file names)."""
    return [element.value.replace("\\", "") for element in [*at.success, *at.error, *at.warning]]


def test_preview_then_add_then_the_assistant_cites_it(app_test, fresh_built_data_dir):
    at = upload(library_page(app_test, fresh_built_data_dir), "细则.txt", POLICY)
    assert not at.exception
    assert at.metric[0].value == "3"  # 条款数 in the preview
    assert at.dataframe[1].value["条款"].tolist() == ["第一条", "第二条", "第三条"]

    at.text_input(key="library_short_name").input("外包细则").run()
    at = at.button(key="library_add").click().run()
    assert at.get("progress") or services().jobs.current().finished  # working in the background
    at = finished(at)
    assert any("细则.txt" in text and "已完成" in text and "索引已重建" in text for text in notices(at))
    assert "外包细则" in at.dataframe[0].value["简称（引用时显示）"].tolist()

    at = at.switch_page("pages/assistant.py").run()
    at = at.chat_input(key="chat_input").set_value("外包坐席合规培训要多少学时?").run()
    assert at.expander[0].label.startswith("出处：外包细则 第二条")


def test_bad_and_duplicate_uploads_get_clear_messages(app_test, fresh_built_data_dir):
    at = upload(library_page(app_test, fresh_built_data_dir), "x.txt",
                (DATA / "binary_renamed.txt").read_bytes())
    assert any("不是文本文件" in text for text in notices(at))
    shipped = (Path(__file__).resolve().parents[2] / "knowledge" / "corpus" /
               "000_9215376e8002a05a.txt").read_bytes()
    at = upload(at, "copy.txt", shipped)
    assert any("该文件已加载" in text for text in notices(at))
    assert "library_add" not in [button.key for button in at.button]


def test_changes_need_the_admin_password_when_one_is_set(app_test, fresh_built_data_dir,
                                                          monkeypatch):
    monkeypatch.setenv("CSC_ADMIN_PASSWORD", "s3cret")
    at = library_page(app_test, fresh_built_data_dir)
    keys = {widget.key for widget in [*at.button, *at.get("file_uploader")]}
    assert not keys & {"library_rebuild", "library_upload", "library_remove_外包细则"}
    assert any("修改需要管理密码" in caption.value for caption in at.caption)
    at.session_state["session_unlocked"] = True  # the sidebar's password (the browser story types it)
    at = at.run()
    assert at.button(key="library_rebuild") and at.file_uploader(key="library_upload")


def test_remove_a_document(app_test, fresh_built_data_dir):
    at = upload(library_page(app_test, fresh_built_data_dir), "细则.txt", POLICY)
    at.text_input(key="library_short_name").input("外包细则").run()
    at = finished(at.button(key="library_add").click().run())
    at = at.button(key="library_remove_外包细则").click().run()
    assert any("确定移除「外包细则」" in text for text in notices(at))  # asks first
    at = finished(at.button(key="library_remove_外包细则_yes").click().run())
    assert any("外包细则" in text and "已完成" in text for text in notices(at))
    assert at.dataframe[0].value.set_index("简称（引用时显示）").loc[
        "外包细则", "当前版本"] == "已移除"
    assert "下载文档清单（Excel）" in [button.proto.label for button in at.get("download_button")]


def test_a_new_version_shows_its_clause_changes_before_it_is_added(app_test, fresh_built_data_dir):
    at = upload(library_page(app_test, fresh_built_data_dir), "细则.txt", POLICY)
    at.text_input(key="library_short_name").input("外包细则").run()
    at = finished(at.button(key="library_add").click().run())
    second = POLICY.decode().replace("不少于40学时", "不少于60学时") + "第四条 本细则由客服部门负责解释。\n"
    at = upload(at, "细则v2.txt", second.encode())
    at.radio(key="library_mode").set_value("已有文档的新版本").run()
    at.selectbox(key="library_target").set_value("外包细则").run()
    assert "与当前版本相比：新增 1 条、修改 1 条" in " ".join(md.value for md in at.markdown)
    labels = [expander.label for expander in at.expander]
    assert "修改：第二条" in labels and "新增：第四条" in labels
    marked = " ".join(md.value for md in at.markdown)
    assert ":red-background[~~4~~]" in marked and ":green-background[6~~" not in marked
    assert ":green-background[6]" in marked
    at = finished(at.button(key="library_add").click().run())
    history = " ".join(md.value for md in at.markdown)
    assert "（新增 第四条；修改 第二条）" in history


def test_replacing_with_a_different_document_is_warned_and_needs_a_choice(app_test,
                                                                           fresh_built_data_dir):
    at = upload(library_page(app_test, fresh_built_data_dir), "细则.txt", POLICY)
    at.radio(key="library_mode").set_value("已有文档的新版本").run()
    assert at.button(key="library_add").disabled  # nothing chosen to replace yet
    at.selectbox(key="library_target").set_value("gbt-32314-2015").run()
    assert any("删去了当前版本的大部分条款" in warning.value for warning in at.warning)
