"""An admin uploads a .docx, sees its clauses, adds it, and asks the assistant about it; reads
what a new version changes, commits it, watches the background job and asks during the build."""
import random
import shutil

from playwright.sync_api import Browser, expect

from tests.browser.server import open_page, running_app, wait_for_rerun
from tests.docgen import write_docx

POLICY = """某银行客服外包管理细则
第一条 为规范客服外包管理，制定本细则。
第二条 外包坐席每年应接受不少于40学时的合规培训。
第三条 本细则自发布之日起施行。"""


def long_version(clauses: int = 150) -> str:
    """The rules grown long (a new version that takes the model a while to embed)."""
    rng = random.Random(5)
    topics = ["外包人员", "运营场所", "信息系统", "客户信息保护", "投诉处理", "应急管理", "培训考核"]
    extra = [f"第{number}条 承包方应当就{rng.choice(topics)}建立第{number}号制度,并对{rng.choice(topics)}"
             f"的执行情况定期检查,记录编号{number * 7919}。" for number in range(5, 5 + clauses)]
    return POLICY.replace("不少于40学时", "不少于60学时") + "\n第四条 本细则由客服部门负责解释。\n" + "\n".join(extra)


def test_admin_uploads_a_docx_and_the_assistant_cites_it(browser: Browser, built_data_dir,
                                                         tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir, data_dir)
    document = write_docx(POLICY, tmp_path / "外包细则.docx")
    with running_app(data_dir, tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page.goto(url)
        open_page(page, "文档管理")

        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(document))
        expect(page.get_by_text("编号体例：法规体例")).to_be_visible()
        expect(page.get_by_test_id("stMetric").filter(has_text="条款数")).to_contain_text("3")

        page.get_by_role("button", name="加入知识库").click()
        expect(page.get_by_text("外包细则.docx(本机用户):已完成")).to_be_visible(timeout=120_000)

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
    second = write_docx(long_version(), tmp_path / "外包细则(修订).docx")
    with running_app(data_dir, tmp_path / "streamlit.log") as url:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page.goto(url)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="文档管理").click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(first))
        expect(page.get_by_text("编号体例：法规体例")).to_be_visible()
        page.get_by_role("button", name="加入知识库").click()
        expect(page.get_by_text("外包细则.docx(本机用户):已完成")).to_be_visible(timeout=120_000)

        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(second))
        expect(page.get_by_test_id("stMetric").filter(has_text="条款数")).to_contain_text("154")
        wait_for_rerun(page)  # the new file's preview is drawn before its mode is chosen
        page.get_by_text("已有文档的新版本").click()
        wait_for_rerun(page)
        expect(page.get_by_text("替换哪个文档")).to_be_visible()  # the radio's rerun has drawn it
        page.get_by_test_id("stSelectbox").filter(has_text="替换哪个文档").click()
        page.get_by_role("option", name="外包细则").click()
        wait_for_rerun(page)
        expect(page.get_by_text("与当前版本相比：新增 151 条、修改 1 条")).to_be_visible()
        page.get_by_text("修改：第二条").click()
        expect(page.get_by_test_id("stExpanderDetails").filter(has_text="合规培训").first) \
            .to_contain_text("60")

        page.get_by_role("button", name="加入知识库").click()
        progress = page.get_by_test_id("stProgress")  # the job runs on the server: the page goes on
        expect(progress).to_contain_text("进行中", timeout=60_000)
        expect(page.get_by_role("button", name="取消任务")).to_be_visible()

        asking = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        asking.goto(url)  # a colleague asks while the index is being built
        expect(asking.get_by_test_id("stProgress")).to_contain_text("知识库正在更新")  # on 首页
        asking.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
        asking.get_by_test_id("stChatInputTextArea").fill("外包坐席每年合规培训要多少学时?")
        asking.get_by_test_id("stChatInputTextArea").press("Enter")
        expect(asking.get_by_text("出处：外包细则 第二条").first).to_be_visible()  # the previous index
        expect(progress).to_contain_text("进行中")  # still building when the answer came
        asking.close()

        expect(page.get_by_text("外包细则 ← 外包细则(修订).docx(本机用户):已完成")).to_be_visible(
            timeout=300_000)
        page.get_by_test_id("stSidebarNav").get_by_role("link", name="智能问答").click()
        page.get_by_test_id("stChatInputTextArea").fill("外包细则第二条说了什么?")
        page.get_by_test_id("stChatInputTextArea").press("Enter")
        wait_for_rerun(page)
        expect(page.get_by_text("修改的条款,回答引用的是修改后的原文", exact=False).first).to_be_visible()
        page.close()
