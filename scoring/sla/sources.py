"""Open a vendor's file (CSV in UTF-8/GBK, Excel, Parquet) as a DuckDB relation with our columns."""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import shutil
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, partial
from pathlib import Path

import duckdb

from scoring.sla.errors import SlaInputError

SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet")
SNIFF_BYTES = 1 << 20
XLSX_MAX_UNPACKED_BYTES = 1 << 30
XLSX_MAX_RATIO = 200
CALLS, REPORT_LONG, REPORT_WIDE = "calls", "report_long", "report_wide"
SHAPE_LABELS = {CALLS: "话单", REPORT_LONG: "外包商报表(长表)", REPORT_WIDE: "外包商报表(宽表)"}
_BRACKETED = re.compile(r"[((【\[][^))】\]]*[))】\]]")
_IGNORED = re.compile(r"[\s_\-%]")


@cache
def vocabulary() -> dict:
    """Column aliases, indicator names, flag words and time formats (columns.toml)."""
    with open(Path(__file__).with_name("columns.toml"), "rb") as file:
        return tomllib.load(file)


def normalize(header: str) -> str:
    """A header or indicator name as compared with the aliases."""
    return _IGNORED.sub("", _BRACKETED.sub("", str(header).strip().lower()))


def alias_map(table: dict[str, list[str]]) -> dict[str, str]:
    """Normalized alias → canonical name."""
    return {normalize(alias): key for key, aliases in table.items() for alias in [key, *aliases]}


@dataclass
class Source:
    """A file readable by SQL: its shape, which header means what, and the relations to scan."""

    name: str
    shape: str
    columns: dict[str, str]  # canonical name → header in the file
    types: dict[str, str]  # canonical name → DuckDB type of the column as read
    scan: str  # FROM-clause relation of the file as read
    numbered_scan: str  # the same with a `_row` column (row number as the user sees it)
    ignored: list[str] = field(default_factory=list)
    # rows that could not be split into columns or decoded (row number, message): only after a
    # scan failed and the file was read again row by row (open_source(..., repair=True))
    unreadable: list[tuple[int, str]] = field(default_factory=list)
    # the scans again with some columns typed by the reader (a CSV only): header → type
    rescan: Callable[[dict[str, str]], tuple[str, str]] | None = None

    def typed(self, types: dict[str, str]) -> Source:
        """The same file with these canonical columns typed as it is read (column → DuckDB type),
        which is faster than reading text and casting it. Times are read only in the strict form
        of columns.toml ([formats] strict); any cell in another form, or not a number in a number
        column, fails the scan (ConversionException): read the text Source then. A file that is
        typed already (Parquet) or was read row by row is returned as it is."""
        wanted = {name: kind for name, kind in types.items()
                  if name in self.columns and self.types.get(name) == "VARCHAR"}
        if self.rescan is None or self.unreadable or not wanted:
            return self
        scan, numbered = self.rescan({self.columns[name]: kind for name, kind in wanted.items()})
        return replace(self, scan=scan, numbered_scan=numbered, types={**self.types, **wanted})

    def relation(self, numbered: bool = False) -> str:
        """SELECT of the canonical columns (absent optional ones as NULL), optionally with _row."""
        parts = ["_row"] if numbered else []
        for name in self.wanted():
            header = self.columns.get(name)
            parts.append(f"{quote(header)} AS {name}" if header else f"NULL::VARCHAR AS {name}")
        return f"SELECT {', '.join(parts)} FROM {self.numbered_scan if numbered else self.scan}"

    def wanted(self) -> list[str]:
        """The canonical columns of this shape, present in the file or not."""
        shapes = vocabulary()
        if self.shape == CALLS:
            return [*shapes["calls"]["required"], *shapes["calls"]["optional"]]
        if self.shape == REPORT_LONG:
            return [*shapes["reports"]["required"], *shapes["reports"]["long"]]
        return [*shapes["reports"]["required"], *(key for key in self.columns
                                                  if key in shapes["indicators"])]


def quote(identifier: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


SCAN_ERRORS = (duckdb.InvalidInputException, duckdb.ConversionException)  # a row DuckDB cannot read


class UnreadableRows(SlaInputError):
    """Some rows of a CSV cannot be split into columns or decoded: read it row by row instead."""


@contextmanager
def open_source(connection: duckdb.DuckDBPyConnection, file: Path | bytes, name: str,
                max_bytes: int | None = None, repair: bool = False) -> Iterator[Source]:
    """The file as a Source on this connection; temporary files are removed on exit.

    A CSV whose rows DuckDB cannot all read (a ragged row, a row in another encoding, anywhere in
    the file) is read row by row instead when ``repair`` is set, or when even its first rows fail:
    the readable rows are scanned from a clean copy, the others kept as ``unreadable``.
    """
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        raise SlaInputError(f"「{name}」是旧版 Excel(.xls):请在 Excel 中另存为 .xlsx 或 CSV 后再导入。")
    if suffix not in SUFFIXES:
        raise SlaInputError(f"不支持的文件类型「{suffix or '无扩展名'}」:请使用 CSV、Excel(.xlsx)或 Parquet 文件。")
    size = len(file) if isinstance(file, bytes) else file.stat().st_size
    if size == 0:
        raise SlaInputError(f"文件「{name}」是空的。")
    if max_bytes is not None and size > max_bytes:
        raise SlaInputError(f"文件「{name}」有 {size / 1048576:.1f} MB,超过上限 {max_bytes / 1048576:.0f} MB。")
    workdir = Path(tempfile.mkdtemp(prefix="sla-"))
    try:
        path = file if isinstance(file, Path) else _write(workdir / f"upload{suffix}", file)
        unreadable: list[tuple[int, str]] = []
        rescan = None  # the scans again with some columns typed (a file read as text only)
        if suffix == ".parquet":
            scan, numbered = _parquet(path, name)
        elif suffix == ".xlsx":
            rescan = partial(_csv_scans, _xlsx_to_csv(path, name, workdir / "sheet.csv"), True)
            scan, numbered = rescan()
        elif repair:
            clean, unreadable = _readable_rows(path, name, workdir / "readable.csv")
            scan, numbered = _csv_scans(clean, True)
        else:
            try:
                rescan = partial(_csv_scans, _utf8_csv(path, name, workdir / "utf8.csv"), False)
                source = _describe(connection, name, *rescan(), rescan=rescan)
            except (UnreadableRows, *SCAN_ERRORS):
                rescan = None  # read again row by row: no typed read of another file
                clean, unreadable = _readable_rows(path, name, workdir / "readable.csv")
                scan, numbered = _csv_scans(clean, True)
            else:
                yield source
                return
        yield _describe(connection, name, scan, numbered, unreadable, rescan)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _utf8_csv(path: Path, name: str, target: Path) -> Path:
    """The path itself when it is UTF-8, else a UTF-8 copy (GB18030/GBK, UTF-16)."""
    with open(path, "rb") as file:
        head = file.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _transcode(path, target, "utf-16", name)
    if b"\x00" in head:
        raise SlaInputError(f"文件「{name}」不是文本文件(可能是改了扩展名的二进制文件)。")
    if head.startswith(codecs.BOM_UTF8) or _decodes(head, "utf-8"):
        return path
    if _decodes(head, "gb18030"):
        return _transcode(path, target, "gb18030", name)
    raise SlaInputError(f"无法识别文件「{name}」的编码:请另存为 UTF-8 或 GBK 编码的 CSV。")


def _readable_rows(path: Path, name: str, target: Path) -> tuple[Path, list[tuple[int, str]]]:
    """Read a CSV row by row (slow; only for a file DuckDB could not read whole): the rows that
    split into as many cells as the header has, with their line numbers, into a clean UTF-8 copy;
    each other row with the reason it cannot be read."""
    with open(path, "rb") as file:
        head = file.read(SNIFF_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        path, encoding = _transcode(path, target.with_name("utf16.csv"), "utf-16", name), "utf-8"
    elif head.startswith(codecs.BOM_UTF8) or _decodes(head, "utf-8"):
        encoding = "utf-8-sig"
    elif _decodes(head, "gb18030"):
        encoding = "gb18030"
    else:
        raise SlaInputError(f"无法识别文件「{name}」的编码:请另存为 UTF-8 或 GBK 编码的 CSV。")
    unreadable: list[tuple[int, str]] = []
    csv.field_size_limit(1 << 24)

    def decoded():  # physical lines as text; a line in another encoding counts as empty
        with open(path, "rb") as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    yield line.decode(encoding if number == 1 else encoding.replace("-sig", ""))
                except UnicodeDecodeError:
                    if number == 1:
                        raise SlaInputError(f"无法识别文件「{name}」表头的编码:请另存为 UTF-8 或 "
                                            "GBK 编码的 CSV。") from None
                    unreadable.append((number, f"这一行的文字编码与文件其他部分不同(文件按 "
                                               f"{encoding.replace('-sig', '').upper()} 读取):"
                                               "请整份文件另存为同一种编码"))
                    yield "\n"

    with open(target, "w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink)
        reader = csv.reader(decoded())
        header, last = None, 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                unreadable.append((reader.line_num, f"无法分列({error})"))
                last = reader.line_num
                continue
            start, last = last + 1, reader.line_num
            if not record:
                continue
            if header is None:
                header = record
                writer.writerow(["_file_row", *header])
            elif len(record) != len(header):
                unreadable.append((start, f"这一行有 {len(record)} 列,表头有 {len(header)} 列"
                                          "(可能有多余的逗号,或引号未闭合)"))
            else:
                writer.writerow([start, *record])
    if header is None:
        raise SlaInputError(f"文件「{name}」是空的。")
    return target, sorted(unreadable)


def _decodes(head: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _transcode(path: Path, target: Path, encoding: str, name: str) -> Path:
    try:
        with open(path, encoding=encoding, newline="") as source, \
                open(target, "w", encoding="utf-8", newline="") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
    except UnicodeDecodeError:
        raise UnreadableRows(f"文件「{name}」中有无法按 {encoding.upper()} 解码的内容:"
                             "请检查文件编码(整份文件应为同一编码)。") from None
    return target


def _csv_scans(path: Path, numbered_in_file: bool,
               types: dict[str, str] | None = None) -> tuple[str, str]:
    """The scan of a CSV as text, and the same numbered; with `types`, those headers typed (times
    only in the strict form: no guessing of day-month order by the reader)."""
    options = "all_varchar=true, header=true"
    if types:
        typed = ", ".join(f"{literal(header)}: {literal(kind)}" for header, kind in types.items())
        options += (f", types={{{typed}}}, "
                    f"timestampformat={literal(vocabulary()['formats']['strict'])}")
    scan = f"read_csv({literal(str(path))}, {options})"
    if numbered_in_file:  # the row number as the user sees it travels in the file
        return scan, f"(SELECT *, _file_row::BIGINT AS _row FROM {scan})"
    serial = f"read_csv({literal(str(path))}, {options}, parallel=false)"
    return scan, f"(SELECT row_number() OVER () + 1 AS _row, * FROM {serial})"


def _parquet(path: Path, name: str) -> tuple[str, str]:
    with open(path, "rb") as file:
        if file.read(4) != b"PAR1":
            raise SlaInputError(f"文件「{name}」不是有效的 Parquet 文件。")
    scan = f"read_parquet({literal(str(path))})"
    numbered = f"(SELECT *, file_row_number + 1 AS _row FROM read_parquet({literal(str(path))}, file_row_number=true))"
    return scan, numbered


def _xlsx_to_csv(path: Path, name: str, target: Path) -> Path:
    """The first sheet with content as a UTF-8 CSV, with each row's Excel row number.

    The header is the first row naming at least two known columns (title rows above it are
    skipped), else the first row with content.
    """
    from openpyxl import load_workbook

    _check_zip(path, name)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for corrupt files
        raise SlaInputError(f"Excel 文件「{name}」已损坏或无法读取({type(error).__name__})。") from None
    try:
        for sheet in workbook.worksheets:
            rows = [(number, [_cell_text(cell) for cell in row]) for number, row
                    in enumerate(sheet.iter_rows(), start=1)]
            rows = [(number, cells) for number, cells in rows if any(cells)]
            if rows:
                break
        else:
            raise SlaInputError(f"Excel 文件「{name}」中没有内容。")
    finally:
        workbook.close()
    start = next((index for index, (_, cells) in enumerate(rows[:20]) if _known(cells) >= 2), 0)
    header = rows[start][1]
    with open(target, "w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink)
        writer.writerow(["_file_row", *header])
        for number, cells in rows[start + 1:]:
            writer.writerow([number, *cells[:len(header)]])
    return target


def _known(cells: list[str]) -> int:
    words = vocabulary()
    known = {**alias_map(words["calls"]["aliases"]), **alias_map(words["reports"]["aliases"])}
    return sum(1 for cell in cells if normalize(cell) in known)


def _check_zip(path: Path, name: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
            packed = sum(item.compress_size for item in archive.infolist()) or 1
    except zipfile.BadZipFile:
        raise SlaInputError(f"文件「{name}」不是有效的 Excel(.xlsx)文件。") from None
    if unpacked > XLSX_MAX_UNPACKED_BYTES or unpacked / packed > XLSX_MAX_RATIO:
        raise SlaInputError(f"Excel 文件「{name}」解压后异常巨大,可能是恶意文件,已拒绝。")


def _cell_text(cell: object) -> str:
    """A cell as text; a date cell formatted without a day (e.g. 2025-03) stays a month."""
    value = getattr(cell, "value", cell)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if "d" not in str(getattr(cell, "number_format", "d")).lower():
            return value.strftime("%Y-%m")
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _describe(connection: duckdb.DuckDBPyConnection, name: str, scan: str, numbered: str,
              unreadable: list[tuple[int, str]] | None = None,
              rescan: Callable[[dict[str, str]], tuple[str, str]] | None = None) -> Source:
    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        has_rows = bool(connection.execute(f"SELECT 1 FROM {scan} LIMIT 1").fetchall())
    except duckdb.Error as error:
        raise UnreadableRows(f"无法读取文件「{name}」:{explain(error)}") from None
    types = {column: kind for column, kind, *_ in described if column != "_file_row"}
    if len(types) == 1 and any(separator in next(iter(types)) for separator in ",;\t|"):
        raise UnreadableRows(f"无法读取文件「{name}」:CSV 格式有误(引号未闭合或分隔符不一致),未能分列。")
    if not has_rows and not unreadable:
        raise SlaInputError(f"文件「{name}」只有表头,没有数据行。")
    shape, columns = detect_shape(list(types), name)
    ignored = [header for header in types if header not in columns.values()]
    return Source(name, shape, columns, {key: types[header] for key, header in columns.items()},
                  scan, numbered, ignored, unreadable or [], rescan)


def detect_shape(headers: list[str], name: str) -> tuple[str, dict[str, str]]:
    """Call records, or a vendor report in long or wide form, from the headers alone."""
    words = vocabulary()
    calls = _match(headers, alias_map(words["calls"]["aliases"]))
    if {"call_id", "arrived_at"} <= set(calls):
        missing = [key for key in words["calls"]["required"] if key not in calls]
        if missing:
            raise SlaInputError(f"话单文件「{name}」缺少列:{', '.join(missing)}。"
                                f"文件中的列:{', '.join(headers)}。")
        return CALLS, calls
    report = _match(headers, alias_map(words["reports"]["aliases"]))
    if {"vendor", "period"} <= set(report):
        if {"indicator", "value"} <= set(report):
            return REPORT_LONG, {key: report[key] for key in ("vendor", "period", "indicator", "value")}
        rest = [header for header in headers if header not in report.values()]
        indicators = _match(rest, alias_map(words["indicators"]))
        if indicators:
            return REPORT_WIDE, {"vendor": report["vendor"], "period": report["period"], **indicators}
    raise SlaInputError(
        f"无法识别文件「{name}」的格式:既不是话单(需要 call_id、vendor、arrived_at、answered_at、"
        "ended_at、talk_s 等列),也不是外包商报表(需要 外包商、期间,以及 指标/数值 两列或各指标一列)。"
        f"文件中的列:{', '.join(headers[:20])}。")


def _match(headers: list[str], aliases: dict[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for header in headers:
        key = aliases.get(normalize(header))
        if key is None:
            continue
        if key in found:
            raise SlaInputError(f"列「{found[key]}」与「{header}」表示同一项({key}),请只保留一列。")
        found[key] = header
    return found


def explain(error: duckdb.Error) -> str:
    """A DuckDB reading error in Chinese, with the line when DuckDB names it."""
    text = str(error)
    line = re.search(r"[Ll]ine:? (\d+)", text)
    where = f"第 {line.group(1)} 行附近:" if line else ""
    if "unicode" in text.lower() or "utf-8" in text.lower():
        return f"{where}文件编码不一致(含有非 UTF-8 内容),请整份另存为 UTF-8 或 GBK。"
    if "columns" in text.lower() or "quote" in text.lower():
        return f"{where}CSV 格式有误(列数不一致或引号未闭合)。"
    return f"{where}文件格式有误({text.splitlines()[0][:120]})。"
