"""Cleaning is general: boilerplate of any sharing site page, page numbers, running headers."""
from ingest.cleaning import clean_pages

PAGE = """某某文库
1. 1、本文档共12页,可阅读全部内容。
2. 2、本站所有内容均由合作方或网友上传,侵权必究。
管理办法.docx
第一条 为加强管理,制定本办法。
- 1 -
某银行内部文件
第二条 本办法适用于全行。
第 2 页 共 3 页
某银行内部文件
第三条 本办法自印发之日起施行。
第 3 页 共 3 页
某银行内部文件
文档评论(3)
上传者:张三
IP属地北京
"""


def test_site_boilerplate_page_numbers_and_running_headers_are_removed():
    kept = [line.text for line in clean_pages([PAGE]).lines]
    assert kept == ["某某文库", "第一条 为加强管理,制定本办法。", "第二条 本办法适用于全行。",
                    "第三条 本办法自印发之日起施行。"]


def test_lines_keep_their_source_positions():
    lines = clean_pages([PAGE]).lines
    assert lines[1].number == 5
