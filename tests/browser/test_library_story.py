"""An admin uploads a .docx, sees its clauses, adds it, and asks the assistant about it."""
import shutil

from playwright.sync_api import Browser, expect

from tests.browser.server import running_app, wait_for_rerun
from tests.docgen import write_docx

POLICY = """某银行客服外包管理细则
第一条 为规范客服外包管理，制定本细则。
第二条 外包坐席每年应接受不少于40学时的合规培训。
第三条 本细则自发布之日起施行。"""


def test_admin_uploads_a_docx_and_the_assistant_cites_it(browser: Browser, built_data_dir,
                                                         tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir)
    document = write_docx(POLICY, tmp_path / "外包细则.docx")
    with running_app(data_dir, tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page.goto(url)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="文档管理").click()
        expect(page.get_by_role("heading", name="文档管理")).to_be_visible()

        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(document))
        expect(page.get_by_text("编号体例：法规体例")).to_be_visible()
        expect(page.get_by_test_id("stMetric").filter(has_text="条款数")).to_contain_text("3")

        page.get_by_role("button", name="加入知识库").click()
        expect(page.get_by_text("已加入「外包细则.docx」")).to_be_visible(timeout=120_000)

        page.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
        page.get_by_test_id("stChatInputTextArea").fill("外包坐席每年合规培训要多少学时?")
        page.get_by_test_id("stChatInputTextArea").press("Enter")
        wait_for_rerun(page)
        expect(page.get_by_text("出处：外包细则 第二条").first).to_be_visible()
        page.close()


def test_admin_reads_what_a_new_version_changes_then_replaces_and_the_answer_says_so(
        browser: Browser, built_data_dir, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir)
    first = write_docx(POLICY, tmp_path / "外包细则.docx")
    second = write_docx(POLICY.replace("不少于40学时", "不少于60学时") + "\n第四条 本细则由客服部门负责解释。",
                        tmp_path / "外包细则(修订).docx")
    with running_app(data_dir, tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page.goto(url)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="文档管理").click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(first))
        expect(page.get_by_text("编号体例：法规体例")).to_be_visible()
        page.get_by_role("button", name="加入知识库").click()
        expect(page.get_by_text("已加入「外包细则.docx」")).to_be_visible(timeout=120_000)

        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(second))
        expect(page.get_by_test_id("stMetric").filter(has_text="条款数")).to_contain_text("4")
        wait_for_rerun(page)  # the new file's preview is drawn before its mode is chosen
        page.get_by_text("已有文档的新版本").click()
        wait_for_rerun(page)
        expect(page.get_by_text("替换哪个文档")).to_be_visible()  # the radio's rerun has drawn it
        page.get_by_test_id("stSelectbox").filter(has_text="替换哪个文档").click()
        page.get_by_role("option", name="外包细则").click()
        wait_for_rerun(page)
        expect(page.get_by_text("与当前版本相比：新增 1 条、修改 1 条")).to_be_visible()
        page.get_by_text("修改：第二条").click()
        expect(page.get_by_test_id("stExpanderDetails").filter(has_text="合规培训").first) \
            .to_contain_text("60")

        page.get_by_role("button", name="加入知识库").click()
        expect(page.get_by_text("已加入「外包细则(修订).docx」")).to_be_visible(timeout=120_000)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
        page.get_by_test_id("stChatInputTextArea").fill("外包细则第二条说了什么?")
        page.get_by_test_id("stChatInputTextArea").press("Enter")
        wait_for_rerun(page)
        expect(page.get_by_text("修改的条款,回答引用的是修改后的原文", exact=False).first).to_be_visible()
        page.close()
