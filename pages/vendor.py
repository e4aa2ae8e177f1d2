"""外包商档案: one vendor in one place (projects, elements, scope findings, SLA attainment and
deductions, duties, contract dates, share of the bank's calls) and its dossier for filing."""
from datetime import date

import streamlit as st

from escaping import plain
from pages._resources import services
from pages._session import require_sign_in
from scoring.sla import targets
from scoring.vendor_dossier import to_excel, to_markdown

require_sign_in()

st.title("外包商档案")
register = services().register
vendors = {vendor.id: vendor for vendor in register.vendors()}
if not vendors:
    st.info("外包台账中还没有外包商：先在“外包台账”中登记。")
    st.stop()
wanted = st.query_params.get("v", "")
default = int(wanted) if wanted.isdigit() and int(wanted) in vendors else next(iter(vendors))
chosen = st.selectbox("外包商", list(vendors), index=list(vendors).index(default),
                      format_func=lambda i: vendors[i].name, key="vendor_pick")
st.query_params["v"] = str(chosen)
today = date.today()
dossier = services().dossier(chosen, today)
vendor = dossier.vendor

columns = st.columns(4)
columns[0].metric("项目", len(dossier.projects))
states = [duty.state(today) for duty in dossier.duties]
columns[1].metric("逾期职责", states.count("逾期"), help="职责日历中已过下次到期日仍未完成的职责")
columns[2].metric("本月到期", states.count("本月到期"))
columns[3].metric("话务占比", "—" if dossier.call_share is None else f"{dossier.call_share:.1%}",
                  help="该外包商(含别名)的呼入人工量占 SLA 数据中全部话单的比例")
if dossier.concentrated:
    st.warning(f"集中度提示：该外包商承接了 {dossier.call_share:.1%} 的话务，达到提示线 "
               f"{dossier.share_threshold:.0%}（提示线由管理员设置）。请确认退出与替代安排。")
st.caption(f"统一社会信用代码：{plain(vendor.credit_code or '未填写')} · 状态：{plain(vendor.status)} · "
           f"联系人：{plain(vendor.contacts or '—')} · 数据中的名称：{plain('、'.join(vendor.names))}")

st.subheader("项目")
if dossier.projects:
    st.dataframe(dossier.project_table(), hide_index=True, key="vendor_projects")
    for item in dossier.projects:
        if item.findings:
            with st.expander(f"{plain(item.project.name)} 的范围判定（{plain(item.assessment)}）"):
                for function, label in item.findings:
                    st.markdown(f"- {plain(function)}：**{label}**")
else:
    st.caption("尚未登记项目。")

st.subheader("SLA 达成与扣款")
contracts = targets.load_contracts(services().sla_store)
contract = targets.contract_for(contracts, next((n for n in vendor.names if n in contracts), vendor.name))
st.caption("合同目标（SLA看板 › 合同目标）：" + plain(contract.human(services().settings.sla_threshold_s)))
if len(dossier.attainment):
    st.dataframe(dossier.attainment, hide_index=True, key="vendor_attainment", column_config={
        "达成得分": st.column_config.NumberColumn(format="%.1f"),
        "扣款(月服务费%)": st.column_config.NumberColumn(format="%.1f")})
else:
    st.caption("SLA 数据中没有该外包商（名称不同时，在“外包台账 › 外包商”中对应）。")

st.subheader("职责")
if dossier.duties:
    st.dataframe(dossier.duty_table(), hide_index=True, key="vendor_duties")
else:
    st.caption("尚未接受任何职责（外包台账 › 职责日历）。")

left, right, _ = st.columns([1, 1, 3])
left.download_button("下载档案（Excel）", to_excel(dossier), f"外包商档案_{vendor.name}_{today:%Y%m%d}.xlsx",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     key="vendor_excel", on_click="ignore")
right.download_button("下载档案（Markdown）", to_markdown(dossier), f"外包商档案_{vendor.name}_{today:%Y%m%d}.md",
                      mime="text/markdown", key="vendor_markdown", on_click="ignore")
