"""范围自检: a manager checks functions, fills in the self-assessment, saves, reopens, compares."""
import sqlite3
from contextlib import closing
from pathlib import Path

from streamlit.testing.v1 import AppTest

from scoring.scope.assessments import DB_FILE
from tests.ui.rendered import table, tables

DATA = Path(__file__).resolve().parents[1] / "data" / "scope"


def scope_page(app_test, **kwargs) -> AppTest:
    return app_test(**kwargs).switch_page("pages/scope.py").run()


def check(at: AppTest, text: str = "", picked: tuple[str, ...] = ()) -> AppTest:
    """Type functions (one per line) and/or pick catalogue entries, then click 开始判定."""
    at.text_area(key="scope_text").input(text)
    for name in picked:
        at.multiselect(key="scope_catalogue").select(name)
    return at.button(key="scope_run").click().run()


def has_table(at: AppTest, *columns: str) -> bool:
    return any(set(columns) <= set(frame.columns) for frame in tables(at))


def verdicts(at: AppTest) -> dict[str, str]:
    table_ = table(at, "职能", "判定")
    return dict(zip(table_["职能"], table_["判定"]))


def metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def answer(at: AppTest, answers: dict[str, tuple[str, str]], title: str = "") -> AppTest:
    """Answer checklist items (item id → (answer, note)) and optionally name the assessment."""
    for item_id, (code, note) in answers.items():
        at.radio(key=f"answer_{item_id}").set_value(code)
        at.text_input(key=f"note_{item_id}").input(note)
    if title:
        at.text_input(key="assessment_title").input(title)
    return at.run()


def save(at: AppTest) -> AppTest:
    return at.button(key="assessment_save").click().run()


def saved_titles(data_dir) -> list[str]:
    if not (data_dir / DB_FILE).exists():
        return []
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db:
        return [row[0] for row in db.execute("SELECT title FROM assessment ORDER BY id")]


def test_page_opens_with_its_three_parts(app_test):
    at = scope_page(app_test)
    assert not at.exception
    assert at.title[0].value == "范围自检"
    assert [tab.label for tab in at.tabs] == ["职能判定", "治理自评", "报告导出"]
    assert len(at.multiselect(key="scope_catalogue").options) >= 30


def test_typed_functions_get_colour_coded_verdicts_and_counts(app_test):
    at = check(scope_page(app_test), "外呼营销\n对外包项目开展内部审计\n今天天气\n人工热线接听")
    assert not at.exception
    assert verdicts(at) == {"外呼营销": "可外包但需满足条件", "对外包项目开展内部审计": "不得外包",
                            "今天天气": "无法判断,需人工判断", "人工热线接听": "可外包"}
    assert metrics(at)[":red[不得外包]"] == "1" and metrics(at)[":green[可外包]"] == "1"
    assert at.error[0].value == "有 1 项职能不得外包：对外包项目开展内部审计"
    shown = table(at, "职能", "依据条款")
    audit = shown[shown["职能"] == "对外包项目开展内部审计"].iloc[0]
    assert "GB/T 32314-2015 第5.1.2条 范围管理:「涉及战略管理、风险管理、内部审计" in audit["依据条款"]


def test_a_picked_catalogue_function_shows_its_reason_and_quoted_clause(app_test):
    at = check(scope_page(app_test), picked=("外包战略规划与决策",))
    assert verdicts(at) == {"外包战略规划与决策": "不得外包"}
    shown = "\n".join(markdown.value for markdown in at.markdown).replace("\\", "")
    assert "> 涉及战略管理、风险管理、内部审计及其他有关信息科技核心竞争力的职能不应外包" in shown
    assert "—— GB/T 32314-2015 第5.1.2条 范围管理" in shown


def test_duplicates_are_merged_with_a_note(app_test):
    at = check(scope_page(app_test), "外呼营销\n外呼营销\n坐席排班")
    assert list(verdicts(at)) == ["外呼营销", "坐席排班"]
    assert at.info[0].value == "已合并 1 项重复的职能。"


def upload(at: AppTest, file_name: str) -> AppTest:
    """Upload a file from tests/data/scope, then click 开始判定."""
    at.get("file_uploader")[0].set_value((file_name, (DATA / file_name).read_bytes(), "text/csv"))
    return at.button(key="scope_run").click().run()


def test_an_uploaded_gbk_csv_is_checked(app_test):
    at = upload(scope_page(app_test), "functions_gbk.csv")
    assert not at.exception
    assert verdicts(at) == {"人工热线接听": "可外包", "对外包项目开展内部审计": "不得外包",
                            "外呼营销": "可外包但需满足条件"}


def test_an_upload_with_wrong_columns_is_refused(app_test):
    at = upload(scope_page(app_test), "wrong_columns.csv")
    assert "第一行没有「职能」列(找到的列:名称、说明)" in at.error[0].value
    assert not has_table(at, "职能", "判定")


def test_an_empty_list_gets_a_clear_message(app_test):
    at = check(scope_page(app_test), "  \n\n")
    assert not at.exception
    assert "没有要检查的职能" in at.error[0].value
    assert not has_table(at, "职能", "判定")


def test_a_thousand_lines_are_refused_with_the_limit(app_test):
    at = check(scope_page(app_test), "\n".join(f"职能{n}" for n in range(1000)))
    assert not at.exception
    assert "一次最多检查 500 项职能,这份清单有 1000 项" in at.error[0].value
    assert not has_table(at, "职能", "判定")


def test_a_half_filled_assessment_saves_as_a_draft_and_reopens(app_test, data_dir):
    at = answer(scope_page(app_test, data_dir=data_dir),
                {"p1_customer_information": ("met", "保密协议"),
                 "p2_sales_compliance": ("not_met", "")}, title="一季度自评")
    assert "尚有 22 项未作答" in at.warning[0].value
    assert "(第 3、4、5、6、7、8、9、10等 项)" in at.warning[0].value  # not all 22 numbers
    at = save(at)
    assert "自评已保存，尚未完成" in at.success[0].value
    assert saved_titles(data_dir) == ["一季度自评"]
    assert table(at, "建议措施")["检查项"].str.contains("合规性审查").all()

    at = scope_page(app_test, data_dir=data_dir)  # a new session: open it and continue
    at.selectbox(key="assessment_pick").select_index(0)
    at = at.button(key="assessment_open").click().run()
    assert at.radio(key="answer_p1_customer_information").value == "met"
    assert at.text_input(key="note_p1_customer_information").value == "保密协议"
    assert at.text_input(key="assessment_title").value == "一季度自评"
    at = save(answer(at, {"p3_customer_needs": ("met", "")}))
    assert saved_titles(data_dir) == ["一季度自评"]  # continued, not saved a second time


def test_not_applicable_without_a_reason_saves_nothing(app_test, data_dir):
    at = save(answer(scope_page(app_test, data_dir=data_dir),
                     {"p1_customer_information": ("met", ""), "p3_customer_needs": ("na", "")},
                     title="自评"))
    assert "自评未保存:第 3 项选择了不适用:请在依据说明中写明理由" in at.error[0].value
    assert saved_titles(data_dir) == []


def test_an_assessment_without_a_title_saves_nothing(app_test, data_dir):
    at = save(answer(scope_page(app_test, data_dir=data_dir), {"p1_customer_information": ("met", "")}))
    assert "请填写自评名称" in at.error[0].value and saved_titles(data_dir) == []


def test_scores_and_comparison_with_an_earlier_assessment(app_test, data_dir):
    at = save(answer(scope_page(app_test, data_dir=data_dir),
                     {"p1_customer_information": ("not_met", "")}, title="上次"))
    at = at.button(key="assessment_new").click().run()
    at = answer(at, {"p1_customer_information": ("met", ""), "p2_sales_compliance": ("partial", "")})
    assert metrics(at)["已作答"] == "2/24" and "总体得分" not in metrics(at)  # no headline yet
    assert any("目前得分 80(只计已作答的 2/24 项" in caption.value for caption in at.caption)
    sections = table(at, "章节", "得分")
    assert sections.iloc[0].tolist() == ["3 基本原则", 80.0, "", 4, 2]
    at.selectbox(key="assessment_compare").select_index(0)
    at = at.run()
    diff = table(at, "章节", "以前", "本次")
    assert diff.iloc[0].tolist() == ["3 基本原则", 0.0, 80.0, 80.0]
    changes = table(at, "检查项", "以前", "本次")
    assert changes["本次"].tolist() == ["符合", "部分符合"]


def test_report_can_be_downloaded_as_excel_and_markdown(app_test):
    at = check(scope_page(app_test), "外呼营销")
    labels = {button.proto.label for button in at.get("download_button")}
    assert labels == {"下载 Excel 报告", "下载 Markdown 报告"}
    assert any("职能判定 1 项" in markdown.value for markdown in at.tabs[2].markdown)


def test_a_refused_list_clears_the_previous_verdicts(app_test):
    at = check(scope_page(app_test), "外呼营销")
    assert has_table(at, "职能", "判定")
    at = check(at, "\n".join(f"职能{n}" for n in range(1000)))
    assert "分批检查" in at.error[0].value and not has_table(at, "职能", "判定")


def pick_saved(at: AppTest, title: str) -> AppTest:
    """Choose the saved assessment with this title in 打开已保存的自评."""
    options = at.selectbox(key="assessment_pick").options
    return at.selectbox(key="assessment_pick").select_index(
        next(i for i, label in enumerate(options) if label.startswith(f"{title}(")))


def test_a_saved_assessment_is_deleted_only_after_confirmation(app_test, data_dir):
    at = save(answer(scope_page(app_test, data_dir=data_dir),
                     {"p1_customer_information": ("not_met", "")}, title="上次"))
    at = at.button(key="assessment_new").click().run()
    at = save(answer(at, {"p1_customer_information": ("met", "保密协议")}, title="本次"))
    assert saved_titles(data_dir) == ["上次", "本次"]

    at = pick_saved(at, "上次").run()
    at = at.button(key="assessment_delete").click().run()
    assert any(w.value == "确定删除自评「上次」？删除后无法恢复。" for w in at.warning)
    at = at.button(key="assessment_delete_no").click().run()  # 取消: nothing happens
    assert saved_titles(data_dir) == ["上次", "本次"]
    assert not any("确定删除" in w.value for w in at.warning)

    at = at.button(key="assessment_delete").click().run()
    at = at.button(key="assessment_delete_yes").click().run()
    assert not at.exception
    assert at.success[0].value == "已删除自评「上次」。"
    assert saved_titles(data_dir) == ["本次"]
    assert [label.split("(")[0] for label in at.selectbox(key="assessment_pick").options] == ["本次"]
    # the assessment being filled in is untouched and still saves into the same record
    assert at.radio(key="answer_p1_customer_information").value == "met"
    assert at.text_input(key="assessment_title").value == "本次"
    at = save(answer(at, {"p2_sales_compliance": ("met", "")}))
    assert saved_titles(data_dir) == ["本次"]


def test_the_typed_and_picked_functions_survive_a_visit_to_another_page(app_test):
    at = scope_page(app_test)
    at.text_area(key="scope_text").input("外呼营销\n夜间值班坐席")
    at.multiselect(key="scope_catalogue").select("录音管理")
    at = at.run()
    at = at.switch_page("pages/assistant.py").run()
    at = at.switch_page("pages/scope.py").run()
    assert at.text_area(key="scope_text").value == "外呼营销\n夜间值班坐席"
    assert at.multiselect(key="scope_catalogue").value == ["录音管理"]
