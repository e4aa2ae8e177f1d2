"""外包台账 › 外包商: the register of vendors, and the names of the SLA data mapped to them."""
from __future__ import annotations

import hashlib

import streamlit as st

from escaping import plain
from pages._resources import services
from pages._session import attempt, locked
from scoring.register.exports import vendor_table, vendors_workbook
from scoring.register.model import VENDOR_STATUSES
from scoring.register.store import RegisterStore
from scoring.sla.queries import vendor_names


def show(register: RegisterStore) -> None:
    vendors = register.vendors()
    notice = st.empty()  # the slot is there without a notice too: what follows keeps its place
    if text := st.session_state.pop("register_vendor_notice", None):
        notice.success(text)
    if vendors:
        table = vendor_table(register)
        st.dataframe(table, hide_index=True, key="register_vendors")
        st.download_button("下载外包商登记表（Excel）", lambda: vendors_workbook(table), "外包商登记表.xlsx",
                           key="register_vendors_download")
    else:
        st.info("还没有登记外包商。")
    unmapped_names(register, vendors)
    if locked("register.vendor"):
        return
    st.subheader("登记或修改外包商")
    by_id = {vendor.id: vendor for vendor in vendors}
    if "register_vendor_pick_next" in st.session_state:
        st.session_state["register_vendor_pick"] = st.session_state.pop("register_vendor_pick_next")
    chosen = st.selectbox("外包商", [None, *by_id], key="register_vendor_pick",
                          format_func=lambda i: "（新外包商）" if i is None else by_id[i].name)
    current = by_id.get(chosen)
    suffix = chosen or "new"
    name = st.text_input("名称", current.name if current else "", key=f"register_vendor_name_{suffix}")
    code = st.text_input("统一社会信用代码（18 位）", current.credit_code if current else "",
                         key=f"register_vendor_code_{suffix}", max_chars=18)
    contacts = st.text_input("联系人与电话", current.contacts if current else "",
                             key=f"register_vendor_contacts_{suffix}")
    status = st.selectbox("状态", VENDOR_STATUSES, key=f"register_vendor_status_{suffix}",
                          index=VENDOR_STATUSES.index(current.status) if current else 0)
    if st.button("保存外包商", type="primary", key="register_vendor_save"):
        save(register, chosen, name, code, contacts, status)
        st.rerun()


def save(register: RegisterStore, vendor_id, name: str, code: str, contacts: str, status: str) -> None:
    saved = attempt("register.vendor", name, lambda: register.save_vendor(
        name, code, contacts, status, vendor_id),
        summary=lambda saved: f"{register.vendor(saved).credit_code or '未填信用代码'};{status}")
    if saved is not None:
        st.session_state["register_vendor_notice"] = f"已保存外包商「{plain(name.strip())}」。"
        st.session_state["register_vendor_pick_next"] = saved  # chosen in the list on the next run


def unmapped_names(register: RegisterStore, vendors) -> None:
    """Names in the SLA data that no registered vendor carries, to be mapped or registered."""
    names = register.unmapped(vendor_names(services().sla_store))
    if not names:
        return
    st.subheader("话单与报表中尚未对应的外包商名称")
    st.caption("SLA 看板中的这些名称还不是任何已登记外包商的名称或别名：对应后，外包商档案会合并它们的数据。")
    if locked("register.alias"):
        st.markdown("、".join(plain(name) for name in names))
        return
    by_id = {vendor.id: vendor.name for vendor in vendors}
    for name in names:
        key = f"register_alias_{hashlib.sha256(name.encode()).hexdigest()[:12]}"  # the name's own
        left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
        left.markdown(f"**{plain(name)}**")
        target = middle.selectbox("对应到", [None, *by_id], key=key,
                                  format_func=lambda i: "登记为新外包商" if i is None else by_id[i])
        if right.button("对应", key=f"{key}_go"):
            map_name(register, name, target)
            st.rerun()


def map_name(register: RegisterStore, name: str, vendor_id) -> None:
    if vendor_id is None:
        done = attempt("register.vendor", name, lambda: register.save_vendor(name))
        message = f"已登记外包商「{name}」。"
    else:
        vendor = register.vendor(vendor_id)
        done = attempt("register.alias", f"{name} → {vendor.name}",
                       lambda: register.map_alias(name, vendor_id) or True)
        message = f"「{name}」已对应到「{vendor.name}」。"
    if done is not None:
        st.session_state["register_vendor_notice"] = plain(message)
