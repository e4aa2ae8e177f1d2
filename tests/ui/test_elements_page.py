"""外包要素: a manager picks elements, reads the matrix, edits the 服务目录, saves, reopens, compares."""
import sqlite3
from contextlib import closing

from streamlit.testing.v1 import AppTest

from escaping import plain
from scoring.elements.drafts import DB_FILE
from tests.ui.rendered import shown

STAFF = "客服中心从业人员(坐席、班组长)"


def elements_page(app_test, **kwargs) -> AppTest:
    return app_test(**kwargs).switch_page("pages/elements.py").run()


def choose(at: AppTest, *names: str, others: str = "") -> AppTest:
    at.multiselect(key="elements_pick").set_value(list(names))
    at.text_area(key="elements_others").input(others)
    return at.run()


def edit_catalogue(at: AppTest, edited_rows: dict, added_rows: tuple = ()) -> AppTest:
    """Edit cells of the 服务目录 editor the way the browser reports them."""
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": edited_rows, "added_rows": list(added_rows), "deleted_rows": []}
    return at.run()


def save(at: AppTest, title: str) -> AppTest:
    at.text_input(key="elements_title").input(title)
    return at.button(key="elements_save").click().run()


def table(at: AppTest, *columns: str):
    """The first read-only table with these columns."""
    readable = [frame.value for frame in at.dataframe if frame.editing_mode == "read_only"]
    readable += [element.value.map(lambda cell: shown(cell) if isinstance(cell, str) else cell)
                 for element in at.table]
    return next(frame for frame in readable if set(columns) <= set(frame.columns))


def matrix(at: AppTest) -> dict[str, list[str]]:
    """Resource → [发包方提供, 发包方管理, 承包方提供, 承包方管理]."""
    shown = table(at, "资源", "承包方提供")
    return {row["资源"]: [row["发包方提供"], row["发包方管理"], row["承包方提供"], row["承包方管理"]]
            for _, row in shown.iterrows()}


def errors(at: AppTest) -> str:
    return "\n".join(str(element.value) for element in at.error)


def saved(data_dir) -> list[tuple]:
    if not (data_dir / DB_FILE).exists():
        return []
    with closing(sqlite3.connect(data_dir / DB_FILE)) as db:
        return db.execute("SELECT d.title, d.elements, i.name, i.target FROM draft d JOIN "
                          "service_item i ON i.draft_id = d.id ORDER BY d.id, i.position").fetchall()


def test_page_opens_with_personnel_its_matrix_requirements_and_catalogue(app_test):
    at = elements_page(app_test)
    assert not at.exception
    assert at.title[0].value == "外包要素"
    assert [tab.label for tab in at.tabs] == ["责任矩阵", "要求与风险", "服务目录", "方案比较", "保存与导出"]
    assert matrix(at)[STAFF] == ["", "", "✓", "✓"]
    references = set(table(at.tabs[1], "要求", "依据条款")["依据条款"])
    assert "GB/T 32314-2015 第4.2条 人员外包" in references
    assert at.data_editor[0].value["服务项目"].tolist()[0] == "人工热线接听"


def test_management_alone_leaves_staff_site_and_systems_with_the_bank(app_test):
    rows = matrix(choose(elements_page(app_test), "管理"))
    assert rows[STAFF] == ["✓", "✓", "", ""]
    assert rows["运营场所及设施(照明、通风、网络通讯、供电、隔音、休息场所、消防)"] == ["✓", "✓", "", ""]
    assert rows["客服中心应用系统(IVR、CTI、坐席与录音系统等)"] == ["✓", "✓", "", ""]
    assert rows["管理理念、管理模式与运营管理经验"] == ["", "", "✓", "✓"]


def test_bad_choices_get_clear_messages_and_saved_drafts_stay(app_test, data_dir):
    at = save(elements_page(app_test, data_dir=data_dir), "草稿一")
    before = saved(data_dir)
    assert before and before[0][0] == "草稿一"

    at = choose(at)
    assert not at.exception
    assert "还没有选择外包要素:请至少选择一个" in errors(at)
    at = choose(at, "人员", others="知识库维护\n知识库维护 ")
    assert "其他要素「知识库维护」与「知识库维护」重复,每项只填一次" in errors(at)
    at = choose(at, "其他")
    assert "选择了「其他」:请逐行写出要外包的其他要素" in errors(at)
    assert saved(data_dir) == before


def test_absurd_or_empty_targets_block_saving_and_export(app_test, data_dir):
    at = save(elements_page(app_test, data_dir=data_dir), "草稿一")
    before = saved(data_dir)
    at = edit_catalogue(at, {0: {"目标值": 500}, 1: {"目标值": None}})
    shown = "\n".join(markdown.value for markdown in at.markdown).replace("\\", "")
    assert "服务目录有 2 处问题" in errors(at)
    assert "第 1 行「人工热线接听」:目标值 500% 不合理,应在 0–100% 之间" in shown
    assert "第 2 行「在线客服」:选了指标「满意率 CSAT(%)」,请填写目标值" in shown
    at = save(at, "草稿二")
    assert "草稿未保存：服务目录有 2 处问题" in errors(at)
    assert saved(data_dir) == before
    assert all(button.proto.disabled for button in at.get("download_button"))


def test_a_draft_title_is_shown_as_text_not_markdown(app_test, data_dir):
    at = save(choose(elements_page(app_test, data_dir=data_dir), "人员"), "**粗体** [链接](http://x)")
    assert at.success[0].value == f"草稿「{plain('**粗体** [链接](http://x)')}」已保存。"
    assert saved(data_dir)[0][0] == "**粗体** [链接](http://x)"


def test_a_draft_saves_and_reopens_with_its_edits(app_test, data_dir):
    at = choose(elements_page(app_test, data_dir=data_dir), "人员", "系统", others="知识库维护")
    at = edit_catalogue(at, {0: {"目标值": 90, "服务内容": "7×24 小时"}})
    at = save(at, "人员与系统外包")
    assert not at.exception and at.success[0].value == "草稿「人员与系统外包」已保存。"
    assert saved(data_dir)[0] == ("人员与系统外包", '["人员", "系统", "其他"]', "人工热线接听", 0.9)

    at = elements_page(app_test, data_dir=data_dir)  # a new session
    at.selectbox(key="elements_draft_pick").select_index(0)
    at = at.button(key="elements_draft_open").click().run()
    assert at.multiselect(key="elements_pick").value == ["人员", "系统", "其他"]
    assert at.text_area(key="elements_others").value == "知识库维护"
    first = at.data_editor[0].value.iloc[0]
    assert (first["目标值"], first["服务内容"]) == (90, "7×24 小时")
    at = save(at, "人员与系统外包(二稿)")
    assert [row[0] for row in saved(data_dir)][:1] == ["人员与系统外包(二稿)"]
    assert len({row[0] for row in saved(data_dir)}) == 1  # the same draft, updated


def test_an_item_the_scope_check_prohibits_is_flagged(app_test):
    at = choose(elements_page(app_test), "人员", others="外包业务内部审计")
    assert "有 1 项不得外包：外包业务内部审计" in errors(at)
    shown = table(at, "资源", "范围自检")
    assert shown[shown["资源"] == "外包业务内部审计"]["范围自检"].tolist() == ["不得外包"]
    scope = table(at, "项目", "判定")
    assert "不得外包" in scope[scope["项目"] == "外包业务内部审计"]["判定"].tolist()


def test_two_combinations_side_by_side(app_test):
    at = elements_page(app_test)
    assert at.multiselect(key="elements_compare_B").value == ["人员", "运营场所", "系统"]
    changes = table(at, "A 提供", "B 提供")
    assert changes[changes["变化"] != ""]["B 提供"].tolist() == ["承包方", "承包方"]
    assert any("只在 B" in value for value in table(at, "组合", "要求")["组合"])
    metrics = {(metric.label, metric.value) for metric in at.metric}
    assert ("服务项目", "4") in metrics and ("服务项目", "10") in metrics


def test_exports_are_offered_for_a_valid_catalogue(app_test):
    at = elements_page(app_test)
    buttons = {button.proto.label: button.proto.disabled for button in at.get("download_button")}
    assert buttons == {"下载 Excel": False, "下载服务目录 CSV": False, "下载 Markdown": False}


def test_the_open_draft_is_deleted_after_confirmation_and_the_page_keeps_its_choices(
        app_test, data_dir):
    at = save(choose(elements_page(app_test, data_dir=data_dir), "人员", "系统"), "人员与系统")
    at = save(at.button(key="elements_draft_new").click().run(), "仅人员")
    assert {row[0] for row in saved(data_dir)} == {"人员与系统", "仅人员"}

    options = at.selectbox(key="elements_draft_pick").options
    at.selectbox(key="elements_draft_pick").select_index(
        next(i for i, label in enumerate(options) if label.startswith("仅人员(")))
    at = at.button(key="elements_draft_open").click().run()
    at = at.button(key="elements_draft_delete").click().run()
    assert any(w.value == "确定删除草稿「仅人员」？删除后无法恢复。" for w in at.warning)
    at = at.button(key="elements_draft_delete_yes").click().run()
    assert not at.exception
    assert at.success[0].value == ("已删除草稿「仅人员」。"
                                   "页面上的内容仍保留，再次保存将另存为一份新的草稿。")
    assert {row[0] for row in saved(data_dir)} == {"人员与系统"}
    assert [label.split("(")[0] for label in at.selectbox(key="elements_draft_pick").options] \
        == ["人员与系统"]
    assert at.multiselect(key="elements_pick").value == ["人员"]
    assert at.text_input(key="elements_title").value == "仅人员"
    at = save(at, "仅人员(重存)")  # a new draft; the other one is not overwritten
    assert {row[0] for row in saved(data_dir)} == {"人员与系统", "仅人员(重存)"}


def test_a_prohibited_item_blocks_saving_and_export_until_removed_or_a_reason_is_given(
        app_test, data_dir):
    at = choose(elements_page(app_test, data_dir=data_dir), "人员", others="外包业务内部审计")
    buttons = {button.proto.label: button.proto.disabled for button in at.get("download_button")}
    assert all(buttons.values())  # no export while the item stays without a reason
    at = save(at, "含审计")
    assert "有 1 项不得外包的项目既未删除，也未写明保留理由" in errors(at)
    assert saved(data_dir) == []

    at.text_input(key="elements_override_外包业务内部审计").input("经外包风险管理委员会审批保留")
    at = at.run()
    assert not any(button.proto.disabled for button in at.get("download_button"))
    assert any("按写明的理由保留" in warning.value for warning in at.warning)
    at = save(at, "含审计")
    assert not at.exception and saved(data_dir)[0][0] == "含审计"

    at = elements_page(app_test, data_dir=data_dir)  # reopened later, the reason comes back
    at.selectbox(key="elements_draft_pick").select_index(0)
    at = at.button(key="elements_draft_open").click().run()
    assert at.text_input(key="elements_override_外包业务内部审计").value == "经外包风险管理委员会审批保留"
