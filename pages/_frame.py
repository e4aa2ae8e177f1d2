"""Every page runs inside app.py (sign-in, error boundary, Chinese interface words, menu).

Until app.py has declared the navigation once, Streamlit treats pages/ as a folder of pages and
runs a page requested by its address (a bookmark, a refresh right after the server started) on
its own. Such a run, the session's first, hands over to app.py, which then runs the same page.
Only the first: a later run may carry a click that a rerun would lose. (AppTest runs pages this
way after its first run, by app.py, and tests them inside the frame that run set up.)
"""
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

FRAMED = "app_frame_ran"  # session state: app.py has run in this session


def mark_framed() -> None:
    """app.py: this session has been run by app.py."""
    st.session_state[FRAMED] = True


def hand_over_to_app() -> None:
    """A page run on its own as its session's first run: rerun it through app.py."""
    if PagesManager.uses_pages_directory and FRAMED not in st.session_state:
        PagesManager.uses_pages_directory = False  # what app.py's st.navigation also sets
        st.rerun()
