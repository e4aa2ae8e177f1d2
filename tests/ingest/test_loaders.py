"""Bad input gets a clear Chinese message; good encodings and formats are read."""
import io
import zipfile
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.loaders import decode_text, read_pages
from tests.docgen import write_pdf_without_text

DATA = Path(__file__).resolve().parents[1] / "data"
LIMIT = 1024 * 1024


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize("name, data, message", [
    ("empty.txt", b"", "是空的"),
    ("binary_renamed.txt", (DATA / "binary_renamed.txt").read_bytes(), "不是文本文件"),
    ("big.txt", "条款".encode() * LIMIT, "超过上限"),
    ("table.xlsx", b"PK\x03\x04", "不支持的文件类型 .xlsx"),
    ("noext", b"abc", "不支持的文件类型 (无扩展名)"),
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF「broken.pdf」已损坏"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "已损坏或不是 .docx"),
    ("bomb.docx", _zip_bomb(), "压缩炸弹"),
    ("blank.txt", b"  \n\n \t\n", "没有可读的文字"),
])
def test_bad_input_is_refused_with_a_clear_message(name, data, message):
    with pytest.raises(IngestError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_pages(data, name, LIMIT)


def test_pdf_without_text_layer(tmp_path):
    path = write_pdf_without_text(tmp_path / "scan.pdf")
    with pytest.raises(IngestError, match="没有文字层"):
        read_pages(path.read_bytes(), "scan.pdf", LIMIT)


@pytest.mark.parametrize("encoded", [
    "客户服务中心".encode(), "客户服务中心".encode("utf-8-sig"),
    "客户服务中心".encode("gbk"), "客户服务中心".encode("gb18030"), "客户服务中心".encode("utf-16"),
])
def test_encodings(encoded):
    assert decode_text(encoded, "x.txt") == "客户服务中心"
