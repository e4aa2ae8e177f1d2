"""用户与角色: who has signed in, and the roles a 系统管理员 gives them (roles are data:
access/roles.toml)."""
import datetime as dt

import pandas as pd
import streamlit as st

from errors import UserError
from escaping import plain
from pages._resources import services
from pages._session import actor, require_sign_in
from scoring.exports import table_workbook

require_sign_in()

st.title("用户与角色")
gate = services().gate
me = actor()
gate.require(me, "roles.grant", "用户与角色")  # refused (and recorded) without the role
table, settings = gate.table, gate.settings
st.caption("登录过一次的人会列在这里。所有人都可以提问、浏览条款、查看看板与已保存的记录；"
           "修改需要相应的角色。角色也可以来自统一认证的组（设置 CSC_GROUP_ROLES）"
           "与首批系统管理员（设置 CSC_FIRST_ADMINS），这两类在此处不能取消。")
st.dataframe(pd.DataFrame([{"角色": role.name, "可以": role.description}
                           for role in table.roles.values()]), hide_index=True, key="people_roles")

if notice := st.session_state.pop("people_notice", None):
    st.success(notice)
people = gate.people.everyone()
if not people:
    st.info("还没有人登录过。")
    st.stop()
people_table = pd.DataFrame([{
    "姓名": person.name, "账号": person.id, "在此分配的角色": table.names(person.roles),
    "首次登录": person.first_seen.replace("T", " "), "最近登录": person.last_seen.replace("T", " "),
    "角色修改": f"{person.roles_changed_by} {person.roles_changed_at.replace('T', ' ')}".strip(),
} for person in people])
st.dataframe(people_table, hide_index=True, key="people_table")
st.download_button("下载用户清单（Excel）",
                   lambda: table_workbook("用户与角色", "用户", people_table, "用户与角色",
                                          counted="用户数"),
                   f"用户与角色_{dt.date.today():%Y%m%d}.xlsx", key="people_table_download",
                   on_click="ignore")

by_id = {person.id: person for person in people}
chosen = st.selectbox("为谁分配角色", list(by_id), key="people_pick", index=None,
                      placeholder="选择一个人", format_func=lambda i: f"{by_id[i].name}（{i}）")
if chosen is not None:
    roles = st.multiselect("角色", list(table.roles), default=sorted(by_id[chosen].roles),
                           format_func=lambda r: table.roles[r].name, key=f"people_roles_{chosen}")
    if chosen == me.id and "system" not in roles and "system" in by_id[chosen].roles:
        st.warning("你正在取消自己的系统管理员角色：保存后将不能再分配角色。")
    if st.button("保存角色", key="people_save", type="primary"):
        try:
            gate.give_roles(me, chosen, frozenset(roles))
            st.session_state["people_notice"] = (f"已保存：{plain(by_id[chosen].name)} 的角色为 "
                                                 f"{table.names(set(roles))}（已记入审计日志）。")
            st.rerun()
        except UserError as error:
            st.error(plain(str(error)))
