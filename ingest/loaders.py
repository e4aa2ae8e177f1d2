"""Read .txt/.md/.pdf/.docx bytes into pages of text, refusing bad input with a clear message."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ingest.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200


def read_pages(data: bytes, filename: str, max_bytes: int) -> list[str]:
    """The text of a document as pages (one page for text files and .docx)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(无扩展名)"
        raise IngestError(f"不支持的文件类型 {shown}:请上传 {'/'.join(SUPPORTED_SUFFIXES)} 文件。")
    if not data:
        raise IngestError(f"文件「{filename}」是空的。")
    if len(data) > max_bytes:
        raise IngestError(
            f"文件「{filename}」有 {len(data) / 1048576:.1f} MB,超过上限 {max_bytes / 1048576:.0f} MB。")
    reader = {".pdf": _pdf_pages, ".docx": _docx_pages}.get(suffix, _text_pages)
    pages = reader(data, filename)
    if not any(page.strip() for page in pages):
        raise IngestError(f"文件「{filename}」中没有可读的文字。")
    return pages


def decode_text(data: bytes, filename: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030/GBK; refuse binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:8192]
    if b"\x00" in head:
        raise IngestError(f"文件「{filename}」不是文本文件(可能是改了扩展名的二进制文件)。")
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise IngestError(f"无法识别文件「{filename}」的编码:请另存为 UTF-8 或 GBK 编码的文本。")


def _looks_like_text(text: str) -> bool:
    if not text:
        return True
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    return controls / len(text) < 0.01


def _text_pages(data: bytes, filename: str) -> list[str]:
    return decode_text(data, filename).split("\f")


def _pdf_pages(data: bytes, filename: str) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise IngestError(f"PDF「{filename}」已加密,请先解除密码保护。")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as error:
        raise IngestError(f"PDF「{filename}」已损坏或无法读取({type(error).__name__})。") from None
    if sum(len(page.strip()) for page in pages) < 10:
        raise IngestError(
            f"PDF「{filename}」没有文字层(可能是扫描件):请先做文字识别(OCR),或上传文字版 PDF/Word。")
    return pages


def _docx_pages(data: bytes, filename: str) -> list[str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise IngestError(f"Word 文件「{filename}」已损坏或不是 .docx 格式。") from None
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unpacked > DOCX_MAX_UNPACKED_BYTES or unpacked / packed > DOCX_MAX_RATIO:
        raise IngestError(f"Word 文件「{filename}」解压后异常庞大(疑似压缩炸弹),已拒绝。")
    from docx import Document
    from docx.table import Table

    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many types for broken packages
        raise IngestError(f"Word 文件「{filename}」已损坏或无法读取({type(error).__name__})。") from None
    lines = []
    for block in document.iter_inner_content():  # paragraphs and tables, in document order
        if isinstance(block, Table):
            lines += [_row_text(row) for row in block.rows]
        else:
            lines.append(block.text)
    return ["\n".join(lines)]


def _row_text(row) -> str:
    """A table row as one line of text: its cells (a merged cell once) joined by " | "."""
    cells = [" ".join(cell.text.split()) for cell in row.cells]
    kept = [cell for position, cell in enumerate(cells) if position == 0 or cell != cells[position - 1]]
    return " | ".join(kept)
