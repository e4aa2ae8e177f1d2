"""Produce real .docx and .pdf files from plain text for ingest tests."""
from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from docx import Document
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fpdf import FPDF
from PIL import Image, ImageDraw

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
FONT_PATTERNS = ("NotoSansCJK*-Regular.tt[cf]", "NotoSerifCJK*-Regular.tt[cf]",
                 "NotoSansCJK*sc*-Regular.otf", "NotoSansSC-Regular.otf", "NotoSansCJK*.otf")


@lru_cache(maxsize=1)
def cjk_font() -> tuple[Path, int]:
    """Return (font file, collection index) of an installed Simplified-Chinese Noto CJK font."""
    for pattern in FONT_PATTERNS:
        for base in FONT_DIRS:
            for path in sorted(base.rglob(pattern)):
                if path.suffix.lower() != ".ttc":
                    return path, 0
                with TTCollection(str(path), lazy=True) as collection:
                    names = [str(face["name"].getDebugName(4)) for face in collection.fonts]
                index = next((i for i, n in enumerate(names) if n.endswith(" SC")), 0)
                return path, index
    raise FileNotFoundError("no Noto CJK font found; install the fonts-noto-cjk package")


def _truetype_subset(chars: str) -> Path:
    """Subset the CJK font to chars and convert its CFF outlines to TrueType, cached on disk."""
    # fpdf2 2.8 embeds CID-keyed CFF fonts (every Noto CJK build) with glyph ids that do not match the
    # embedded charset: glyphs render wrong and pypdf extracts garbage. A glyf font avoids both.
    font_path, index = cjk_font()
    wanted = "".join(sorted(set(chars) | set(" -0123456789")))
    key = hashlib.sha1(f"{font_path}:{index}:{wanted}".encode()).hexdigest()[:16]
    out = Path(tempfile.gettempdir()) / f"docgen-cjk-{key}.ttf"
    if out.exists():
        return out
    with TTFont(str(font_path), fontNumber=index, lazy=False) as font:
        _subset_to_truetype(font, wanted, out)
    return out


def _subset_to_truetype(font: TTFont, wanted: str, out: Path) -> None:
    options = subset.Options()
    options.layout_features, options.notdef_outline, options.name_IDs = [], True, ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=wanted)
    subsetter.subset(font)
    glyph_set, order = font.getGlyphSet(), font.getGlyphOrder()
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                  "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field, 1 if field == "maxZones" else 0)
    font.sfntVersion = "\x00\x01\x00\x00"
    tmp = out.with_suffix(f".{os.getpid()}.part")
    font.save(str(tmp))
    tmp.replace(out)


def write_docx(text: str, path: str | Path,
               tables: dict[str, list[list[str]]] | None = None) -> Path:
    """Write one paragraph per non-empty line of text to a .docx file; ``tables`` puts a table
    (its rows of cells) right after the line it is keyed by."""
    path = Path(path)
    document = Document()
    for line in text.splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
        for rows in ([(tables or {}).get(line.strip())] if line.strip() in (tables or {}) else []):
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for cells, row in zip(rows, table.rows):
                for value, cell in zip(cells, row.cells):
                    cell.text = value
    document.save(str(path))
    return path


class _NumberedPDF(FPDF):
    """FPDF with a centred "- N -" page number in the footer and an optional running header."""

    running_header: str | None = None

    def header(self) -> None:
        if self.running_header:
            self.set_font("cjk", size=9)
            self.cell(0, 6, self.running_header, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("cjk", size=9)
        self.cell(0, 10, f"- {self.page_no()} -", align="C")


def write_pdf(text: str, path: str | Path, *, header: str | None = None,
              font_size: float = 11, lines_per_page: int | None = None) -> Path:
    """Write text to an A4 PDF with a real CJK text layer and "- N -" page footers."""
    path = Path(path)
    pdf = _NumberedPDF(format="A4")
    pdf.running_header = header
    pdf.add_font("cjk", fname=str(_truetype_subset(text + (header or ""))))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("cjk", size=font_size)
    for number, line in enumerate(text.splitlines()):
        if lines_per_page and number and number % lines_per_page == 0:
            pdf.add_page()
        if line.strip():
            pdf.multi_cell(0, font_size * 0.6, line.strip(), new_x="LMARGIN", new_y="NEXT", wrapmode="CHAR")
        else:
            pdf.ln(font_size * 0.4)
    pdf.output(str(path))
    return path


def write_pdf_without_text(path: str | Path) -> Path:
    """Write a two-page PDF holding only drawn shapes and a raster image (no text layer)."""
    path = Path(path)
    image = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(image)
    for row in range(12):  # grey bars that look like scanned lines of text
        draw.rectangle((40, 20 + row * 22, 560 - (row % 3) * 90, 32 + row * 22), fill=60)
    pdf = FPDF(format="A4")
    for _ in range(2):
        pdf.add_page()
        pdf.set_draw_color(0, 0, 0)
        pdf.rect(15, 15, 180, 267)
        pdf.ellipse(90, 250, 30, 20, style="F")
        pdf.image(image, x=20, y=30, w=170)
    pdf.output(str(path))
    return path
