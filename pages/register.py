"""外包台账: vendors and their outsourcing projects, each project's lifecycle with its evidence,
and the calendar of duties mined from the loaded rules."""
import streamlit as st

from pages import _register_duties, _register_projects, _register_vendors
from pages._resources import services
from pages._session import require_sign_in, show_refusal

require_sign_in()

st.title("外包台账")
st.caption("登记外包商与外包项目：项目关联它据以决定的外包要素草稿与范围自检，按 GB/T 32314-2015 第5.3条"
           "记录立项、审批等阶段并附证据；从已加载的制度中找出有周期或时限的职责，接受后进入职责日历。")
with st.empty():  # a slot with or without a refusal: the tabs below keep their place (and state)
    show_refusal()
register = services().register
vendors_tab, projects_tab, duties_tab = st.tabs(["外包商", "项目与阶段", "职责日历"])
with vendors_tab:
    _register_vendors.show(register)
with projects_tab:
    _register_projects.show(register)
with duties_tab:
    _register_duties.show(register)
