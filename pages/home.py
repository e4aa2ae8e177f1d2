"""首页: what the app is for, where to start, the state that matters, and every page."""
import calendar
from datetime import date

import streamlit as st

from errors import UserError
from escaping import plain
from ingest.clauses import FLAG_LABELS
from pages._resources import current_documents, knowledge_base, services
from pages._session import require_sign_in
from scoring.sla.queries import latest_month

require_sign_in()

FIRST_STEPS = (
    ("pages/assistant.py", "问一个问题", ":material/forum:", "例如“能不能把内审交给外包公司？”，回答引用条款原文。"),
    ("pages/scope.py", "做一次范围自检", ":material/fact_check:", "列出拟外包的职能，逐项判断能否外包，并自评外包治理。"),
    ("pages/sla.py", "看外包商服务水平", ":material/monitoring:", "导入外包商的话单或报表，对照合同目标看达标、扣款与每个半小时。"),
)
PAGES = (
    ("pages/assistant.py", "智能问答", "用中文或英文提问，依据已加载的文档回答并注明出处。"),
    ("pages/browse.py", "条款浏览", "按文档查看条款目录与原文。"),
    ("pages/library.py", "文档管理", "加载、预览、替换与移除文档，重建索引。"),
    ("pages/quality.py", "问答质量", "用评估集检查问答的引用与拒答；把用户不满意的回答加入本行评估集。"),
    ("pages/scope.py", "范围自检", "判断职能能否外包；依据第 5 章自评外包治理；导出报告。"),
    ("pages/elements.py", "外包要素", "选择外包的要素，查看责任划分、要求、风险与服务目录草稿。"),
    ("pages/sla.py", "SLA看板", "外包商服务水平对照合同目标：达标、扣款、半小时分析与人力测算。"),
    ("pages/register.py", "外包台账", "登记外包商与项目、记录立项审批等阶段与证据、管理制度中的职责日历。"),
    ("pages/vendor.py", "外包商档案", "一家外包商的项目、范围判定、SLA 达成与扣款、职责与话务占比；导出档案。"),
)

def knowledge_job() -> None:
    """A change of the knowledge base running in the background, with its progress."""
    job = services().jobs.current()
    if job is not None and not job.finished:
        st.progress(job.fraction, text="知识库正在更新：" + plain(job.describe()))
        st.page_link("pages/library.py", label="在文档管理中查看或取消", icon=":material/library_books:")


def due_this_month() -> None:
    """The duties of the calendar due by the end of this month (the overdue ones first)."""
    today = date.today()
    try:
        duties = services().register.due_by(today.replace(day=calendar.monthrange(today.year, today.month)[1]))
        vendors = {vendor.id: vendor.name for vendor in services().register.vendors()}
    except UserError as error:
        st.error(plain(str(error)))
        return
    if not duties:
        return
    overdue = sum(1 for duty in duties if duty.state(today) == "逾期")
    st.markdown(f"**本月到期的职责 {len(duties)} 项**" + (f"(其中逾期 {overdue} 项)" if overdue else ""))
    for duty in duties[:6]:
        st.markdown(f"- {duty.next_due:%m-%d} {duty.state(today)} · {plain(vendors.get(duty.vendor_id, ''))} · "
                    f"{plain(duty.quote[:60])}(负责人 {plain(duty.owner or '未指定')})")
    st.page_link("pages/register.py", label="打开职责日历", icon=":material/event:")


st.title("客服中心外包管理助手")
st.markdown("依据 GB/T 32314-2015《商业银行客户服务中心服务外包管理规范》与行内加载的制度，"
            "回答外包管理问题并引用条款原文、判断职能能否外包、规划外包要素与服务目录，"
            "并按合同目标查看外包商的服务水平。所有计算都在本机完成，不向外部发送任何数据。")

st.subheader("从这里开始")
for column, (page, label, icon, hint) in zip(st.columns(len(FIRST_STEPS)), FIRST_STEPS):
    with column.container(border=True):
        st.page_link(page, label=label, icon=icon)
        st.caption(hint)

base = knowledge_base()
index = base.snapshot()
documents = current_documents()
st.subheader("现在的状态")
columns = st.columns(3)
columns[0].metric("已加载文档", len(documents))
columns[1].metric("条款总数", sum(len(document.clauses) for document in documents),
                  help="按条款编号切分后的条目数（含章节标题）")
try:
    latest = latest_month(services().sla_store)
except UserError as error:
    latest, sla_problem = None, str(error)
else:
    sla_problem = ""
if latest:
    partial = latest.coverage is not None and not latest.coverage.complete
    columns[2].metric("最近的 SLA 数据", latest.month.strftime("%Y-%m") + ("（不完整）" if partial else ""),
                      f"{latest.vendors} 家外包商" + ("（示例数据）" if latest.sample else ""),
                      delta_color="off", delta_arrow="off",  # a count beside the month, not a change
                      help=f"该月的数据只覆盖 {latest.coverage.describe()}；月度考核请看整月的数据。"
                      if partial else None)
else:
    columns[2].metric("最近的 SLA 数据", "尚未导入", help=sla_problem or "在「SLA看板」导入话单或报表")
running = services().jobs.current()
if running and not running.finished:  # drawn again every two seconds while it runs
    st.fragment(knowledge_job, run_every=2.0)()
due_this_month()
if index is None:
    st.warning("知识库索引尚未建立：请运行 `python -m ingest build`（`make run` 会自动完成）。")

for document in documents:
    with st.container(border=True):
        st.markdown(f"**{plain(document.info.short_name)}** {plain(document.info.title)}")
        st.caption(f"{len(document.clauses)} 条 · 来源：{plain(document.info.source or document.info.file)}")
        if document.gaps:
            with st.expander(f"这份文本的缺漏({len(document.gaps)} 处)"):
                for note in document.gaps:
                    st.markdown(f"- {plain(note)}")

st.subheader("全部页面")
for page, title, summary in PAGES:
    st.page_link(page, label=f"{title}:{summary}")

with st.expander("技术信息"):
    if index is not None:
        st.caption(f"索引版本 {index.build_id} · 向量模型 {plain(index.model_id)} · "
                   f"检索片段 {index.manifest['chunks']} · 建立于 {index.manifest['built_at']}")
    if base.calibration.notice:
        st.caption(plain(base.calibration.notice))
    st.markdown("条款标记：" + ";".join(f"{label}" for label in FLAG_LABELS.values()))
