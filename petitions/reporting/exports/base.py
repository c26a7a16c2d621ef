"""The exporter base class and its renderers: CSV, XLSX and PDF from one header and row stream.

As pretix's ``ListExporter``: an exporter yields a header and rows; this module renders them.
Rows are streamed from the database and written in chunks, so a million rows never sit in
memory (PDF excepted: a PDF is built whole, which is why delivery packages split per place).
"""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO, ClassVar

from django.utils.translation import gettext as _

from campaign.campaigns.share_images import FONT_DIR
from campaign.core.l10n import format_date, format_number

UTF8_BOM = "\ufeff"
CSV_CHUNK_ROWS = 5000
XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, header included
# Excel's built-in format 14 shows a date in the reader's own short date format.
XLSX_LOCAL_DATE = "mm-dd-yy"

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 forbids; openpyxl refuses them (tab, LF and CR are allowed).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: str) -> str:
    """Make a text cell inert in spreadsheets by prefixing a single quote to formula triggers."""
    if value and value[0] in FORMULA_TRIGGERS:
        return "'" + value
    return value


# The same rule in SQL, built from FORMULA_TRIGGERS: escape-string literals, E'\x09' a tab.
_SQL_TRIGGERS = ", ".join(
    f"E'{trigger}'" if trigger.isprintable() else f"E'\\x{ord(trigger):02x}'"
    for trigger in FORMULA_TRIGGERS
)


def sql_neutralise(column: str) -> str:
    """SQL for a text column neutralised as ``neutralise`` does, so the database can do it while
    it reads the rows (the signer lists' CSV fast path, docs/BENCHMARKS.md)."""
    return (
        f"CASE WHEN left({column}, 1) IN ({_SQL_TRIGGERS}) THEN '''' || {column} ELSE {column} END"
    )


def _cells(row: Sequence) -> list:
    return [neutralise(cell) if cell.__class__ is str else cell for cell in row]


class RowCounter:
    """Counts the data rows a renderer wrote (the header excluded)."""

    def __init__(self) -> None:
        self.rows = 0


class Exporter:
    """One export: a header and a stream of rows, offered in ``formats``.

    Subclasses set the class attributes and implement ``header`` and ``rows``; ``notes`` are
    lines printed above the table in PDFs (sources, the indicative label).
    """

    identifier: ClassVar[str]
    name: ClassVar[str]
    formats: ClassVar[tuple[str, ...]] = ("csv", "xlsx", "pdf")
    personal_data: ClassVar[bool] = False
    required_role: ClassVar[str] = "viewer"
    # Relative column widths in PDFs.
    pdf_widths: ClassVar[tuple[float, ...]] = ()

    def __init__(self, *, petition) -> None:
        self.petition = petition

    def header(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[Sequence]:
        raise NotImplementedError

    def notes(self) -> list[str]:
        return []

    def title(self) -> str:
        return f"{self.petition.campaign.hashtag} · {self.name}"

    # Renderers -------------------------------------------------------------------------

    def render(self, fmt: str, stream: BinaryIO) -> int:
        """Write the export in ``fmt`` to ``stream``; returns the number of data rows."""
        if fmt not in self.formats:
            raise ValueError(f"{self.identifier} is not offered as {fmt}")
        counter = RowCounter()
        if fmt == "csv":
            for chunk in self.csv_chunks(counter):
                stream.write(chunk)
        elif fmt == "xlsx":
            self.render_xlsx(stream, counter)
        else:
            self.render_pdf(stream, counter)
        return counter.rows

    def row_batches(self) -> Iterator[list[Sequence]] | None:
        """Optional fast path for CSV: batches of rows whose text is already neutralised."""
        return None

    def csv_chunks(self, counter: RowCounter | None = None) -> Iterator[bytes]:
        """UTF-8 CSV with a byte order mark (so Excel reads it as UTF-8), in chunks."""
        counter = counter or RowCounter()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(UTF8_BOM)
        writer.writerow(_cells(self.header()))
        batches = self.row_batches()
        if batches is None:
            batches = _batched((_cells(row) for row in self.rows()), CSV_CHUNK_ROWS)
        for batch in batches:
            writer.writerows(batch)  # one C call per batch: the hot path of big lists
            counter.rows += len(batch)
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    def render_xlsx(self, stream: BinaryIO, counter: RowCounter) -> None:
        """XLSX through openpyxl's write-only mode; text cells neutralised and kept as text."""
        from openpyxl import Workbook  # noqa: PLC0415 -- loaded by the first XLSX export only

        workbook = Workbook(write_only=True)
        header = [_xlsx_text(cell) for cell in self.header()]
        title = _sheet_title(str(self.name))
        sheet, sheet_rows, sheets = None, XLSX_MAX_ROWS, 0
        for row in self.rows():
            if sheet_rows >= XLSX_MAX_ROWS:  # a new sheet when Excel's row limit is reached
                sheets += 1
                sheet = workbook.create_sheet(title if sheets == 1 else f"{title[:27]} {sheets}")
                sheet.append(header)
                sheet_rows = 1
            sheet.append([_xlsx_cell(sheet, cell) for cell in row])
            sheet_rows += 1
            counter.rows += 1
        if sheet is None:
            workbook.create_sheet(title).append(header)
        workbook.save(stream)

    def render_pdf(self, stream: BinaryIO, counter: RowCounter) -> None:
        pdf = new_pdf(title=self.title())
        pdf.add_page()
        pdf.heading(self.title())
        for line in self.notes():
            pdf.paragraph(line, size=9)
        counter.rows = pdf.table(self.header(), self.rows(), self.pdf_widths)
        stream.write(pdf.output())


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _xlsx_text(value: str) -> str:
    return neutralise(_XML_ILLEGAL.sub("", value))


def _xlsx_cell(sheet, value):
    if value.__class__ is str:
        return _xlsx_text(value)
    if value.__class__ is datetime.date:
        from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 -- with the XLSX writer, see above

        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_LOCAL_DATE
        return cell
    return value


def _sheet_title(name: str) -> str:
    # Excel forbids []:*?/\ in sheet titles and allows at most 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Export"


def new_pdf(*, title: str):
    """An A4 PDF document with DejaVu Sans embedded (covers every EU script and Portuguese)."""
    from fpdf import FPDF  # noqa: PLC0415 -- loaded by the first PDF only: web workers stay small

    class Document(FPDF):
        table_header: tuple[list[str], list[float]] | None = None

        def header(self) -> None:
            if self.table_header and self.page_no() > 1:
                self._header_row(*self.table_header)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("DejaVu", "", 7)
            self.cell(0, 5, f"{title} · {self.page_no()}", align="C")

        def heading(self, text: str, size: int = 14) -> None:
            self.set_font("DejaVu", "B", size)
            self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def paragraph(self, text: str, size: int = 10) -> None:
            self.set_font("DejaVu", "", size)
            self.multi_cell(0, size * 0.45, text, new_x="LMARGIN", new_y="NEXT")
            self.ln(1.5)

        def _header_row(self, header: list[str], widths: list[float]) -> None:
            """Column titles wrapped inside their columns (long in some languages), underlined."""
            self.set_font("DejaVu", "B", 8)
            line = 3.6
            wrapped = [
                self.multi_cell(width, line, text, dry_run=True, output="LINES")
                for text, width in zip(header, widths, strict=True)
            ]
            height = line * max(len(lines) for lines in wrapped) + 2.4
            left, top = self.l_margin, self.y
            for lines, width in zip(wrapped, widths, strict=True):
                for i, text in enumerate(lines):
                    self.text(left + self.c_margin, top + 1.2 + line * (i + 0.78), text)
                left += width
            self.line(self.l_margin, top + height, self.l_margin + sum(widths), top + height)
            self.set_y(top + height)
            self.set_font("DejaVu", "", 8)

        def table(
            self, header: list[str], rows: Iterable[Sequence], relative: Sequence[float]
        ) -> int:
            """Rows drawn with ``text()`` at fixed column positions (ten times faster than cells)."""
            relative = relative or [1.0] * len(header)
            scale = self.epw / sum(relative)
            widths = [w * scale for w in relative]
            lefts = [self.l_margin + sum(widths[:i]) for i in range(len(widths))]
            self.ln(2)
            self._header_row(header, widths)
            self.table_header = (header, widths)
            line, bottom = 4.6, self.h - self.b_margin
            dates: dict[datetime.date, str] = {}
            n = 0
            for row in rows:
                if self.y + line > bottom:
                    self.add_page()  # draws the header row again
                baseline = self.y + line * 0.75
                for cell, left, width in zip(row, lefts, widths, strict=True):
                    if cell.__class__ is str:
                        if cell:
                            self.text(left, baseline, _fit(self, cell, width))
                    elif cell.__class__ is datetime.date:
                        if cell not in dates:  # many rows share a day: format each day once
                            dates[cell] = format_date(cell, form="medium")
                        self.text(left, baseline, _fit(self, dates[cell], width))
                    else:
                        text = format_number(cell)
                        self.text(left + width - 2 - self.get_string_width(text), baseline, text)
                self.y += line
                n += 1
            self.table_header = None
            return n

    pdf = Document(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(True, margin=16)  # the table breaks its own pages at the same margin
    pdf.set_margins(14, 14, 14)
    pdf.set_title(title)
    pdf.set_creator("campaign")
    pdf.set_font("DejaVu", "", 10)
    return pdf


def _fit(pdf, text: str, width: float) -> str:
    """Shorten text with an ellipsis so it stays inside its column (measured only when long)."""
    if len(text) * pdf.font_size * 0.62 < width - 2:
        return text
    if pdf.get_string_width(text) <= width - 2:
        return text
    while text and pdf.get_string_width(text + "…") > width - 2:
        text = text[:-1]
    return text + "…"


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")
