"""The Sources sheet: every workbook found, what became of it, and its rows sheet by sheet.

This is the audit trail: the SHA-256 identifies the exact file used, and the
rows-by-sheet table shows that nothing was lost (read = accepted + rejected,
checked before the report is written).
"""

from __future__ import annotations

from addin.consolidation.model import ConsolidatedReport, SourceFile
from addin.report import styles as st
from addin.report.cells import Column, Kind
from addin.report.layout import ReportBook

SHEET = "Sources"
HEADER_ROW = 3

FILE_COLUMNS = (
    Column("path", "File", max_width=50),
    Column("sha256", "SHA-256", max_width=33),  # wraps onto two lines
    Column("size", "Size (bytes)", Kind.INTEGER),
    Column("modified", "Modified", Kind.DATETIME),
    Column("department", "Department Code"),
    Column("department_name", "Department Name"),
    Column("period", "Period"),
    Column("currency", "Currency"),
    Column("rate", "Rate", Kind.RATE),  # header completed with the reporting currency
    Column("template_version", "Template Version", Kind.INTEGER),
    Column("status", "Status"),
    Column("note", "Note", max_width=60),
    Column("extra_sheets", "Extra Sheets (ignored)", max_width=40),
    Column("read", "Rows Read", Kind.INTEGER),
    Column("accepted", "Rows Accepted", Kind.INTEGER),
    Column("rejected", "Rows Rejected", Kind.INTEGER),
)
SHEET_COLUMNS = (
    Column("path", "File", max_width=50),
    Column("department", "Department Code"),
    Column("sheet", "Sheet"),
    Column("read", "Rows Read", Kind.INTEGER),
    Column("accepted", "Rows Accepted", Kind.INTEGER),
    Column("rejected", "Rows Rejected", Kind.INTEGER),
)


def _file_row(source: SourceFile) -> list[object]:
    counted = bool(source.sheets)
    return [
        str(source.path), source.sha256, source.size, source.modified, source.department,
        source.department_name, source.period, source.currency, source.rate,
        source.template_version, source.status, source.note or None,
        ", ".join(source.extra_sheets) or None,
        sum(c.read for c in source.sheets) if counted else None,
        sum(c.accepted for c in source.sheets) if counted else None,
        sum(c.rejected for c in source.sheets) if counted else None,
    ]


def write_sources_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    sheet.title(0, f"Sources: {len(report.sources)} workbook{'' if len(report.sources) == 1 else 's'} "
                   f"found for {report.period}")
    sheet.note(1, f"Rate is units of the workbook's currency per 1 {book.currency}. Status: included, "
                  "superseded (a later workbook was used), other-period, unreadable or rejected.")
    columns = [
        Column(c.key, f"Rate (per 1 {book.currency})", c.kind) if c.key == "rate" else c
        for c in FILE_COLUMNS
    ]
    looks = [st.BAD if s.status in ("unreadable", "rejected") else {} for s in report.sources]
    files = sheet.table(HEADER_ROW, 0, columns, [_file_row(s) for s in report.sources],
                        name="tblSources", what="report.sources",
                        empty_text="No workbooks were found in the inbox.")
    status = [c.key for c in columns].index("status")
    for offset, (source, look) in enumerate(zip(report.sources, looks, strict=True)):
        if look:
            sheet.text(files.first_row + offset, status, source.status, look)

    per_sheet = [
        [str(source.path), source.department, count.sheet, count.read, count.accepted, count.rejected]
        for source in report.sources
        for count in source.sheets
    ]
    top = files.next_row + 1
    sheet.text(top - 1, 0, "Rows by sheet (rows read = rows accepted + rows rejected)", st.SECTION,
               measure=False)
    sheet.table(top, 0, SHEET_COLUMNS, per_sheet, name="tblSourceSheets", what="report.sources sheets",
                empty_text="No sheets were read.")
    # Two tables one above the other: freezing the first one's header would
    # leave it above the second table, so nothing is frozen here.
    sheet.finish(repeat_row=None, freeze_row=None)
