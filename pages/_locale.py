"""Streamlit's own interface words in Chinese: a small script, installed once per page, that
translates them (text and ARIA labels) as they appear, from the table in chrome_zh.toml."""
from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path

import streamlit as st

CHROME_FILE = Path(__file__).with_name("chrome_zh.toml")
SCRIPT = r"""<script>
(() => {
  const table = %s;
  const patterns = table.pattern.map(item => [new RegExp(item.match), item.say]);
  const attributes = ["aria-label", "title", "placeholder"];
  const translated = text => {
    const word = (text || "").trim();
    if (!word) return null;
    if (Object.hasOwn(table.exact, word)) return text.replace(word, table.exact[word]);
    for (const [pattern, say] of patterns) {
      if (pattern.test(word)) {
        return text.replace(word, word.replace(pattern, say).replace(/ · $|\s+$/, ""));
      }
    }
    return null;
  };
  const visit = node => {
    const root = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
    if (!root || root.nodeType !== Node.ELEMENT_NODE) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (text.parentElement.closest('[data-testid="stIconMaterial"], textarea, input')) continue;
      const chinese = translated(text.nodeValue);
      if (chinese !== null && chinese !== text.nodeValue) text.nodeValue = chinese;
    }
    for (const element of [root, ...root.querySelectorAll("[aria-label], [title], [placeholder]")]) {
      for (const name of attributes) {
        const chinese = element.hasAttribute(name) ? translated(element.getAttribute(name)) : null;
        if (chinese !== null && chinese !== element.getAttribute(name)) element.setAttribute(name, chinese);
      }
    }
  };
  const target = window.parent.document.body;
  if (window.parent.__chineseChrome) return;
  window.parent.__chineseChrome = true;
  new MutationObserver(changes => changes.forEach(change => {
    if (change.type === "childList") change.addedNodes.forEach(visit);
    else visit(change.target);
  })).observe(target, {subtree: true, childList: true, characterData: true,
                      attributes: true, attributeFilter: attributes});
  visit(target);
})();
</script>"""


@cache
def _script() -> str:
    table = tomllib.loads(CHROME_FILE.read_text(encoding="utf-8"))
    return SCRIPT % json.dumps({"exact": table["exact"], "pattern": table["pattern"]},
                               ensure_ascii=False)


def install_chinese_chrome() -> None:
    """Translate Streamlit's own words on this page (once per browser tab)."""
    with st.sidebar:
        st.html(_script(), unsafe_allow_javascript=True)
