"""The Schedule sheet: every booking conflict first, then the organisation calendar.

Conflicts come first because each needs someone to act. When there are only
a few, they stay frozen on screen above the calendar's header while the
calendar scrolls; with many, nothing is frozen (a frozen block taller than the
screen would leave nothing to scroll).
"""

from __future__ import annotations

from addin.consolidation.model import CALENDAR_COLUMNS, CONFLICT_COLUMNS, ConsolidatedReport
from addin.report import styles as st
from addin.report.cells import columns_for
from addin.report.layout import ReportBook, frame_rows

SHEET = "Schedule"
#: The calendar's header is frozen (and repeated on printed pages) only when it
#: is within this many rows of the top.
FREEZE_LIMIT = 16


def write_schedule_sheet(book: ReportBook, report: ConsolidatedReport) -> None:
    sheet = book.sheet(SHEET)
    sheet.title(0, f"Schedule: {report.organisation}, {report.period}")
    sheet.note(1, "Two events at the same location whose times overlap are a booking conflict. "
                  "Source is the workbook, sheet and cell of each event.")
    conflicts = frame_rows(report.conflicts, CONFLICT_COLUMNS, "report.conflicts")
    calendar = frame_rows(report.calendar, CALENDAR_COLUMNS, "report.calendar")

    heading = f"Booking conflicts ({len(conflicts)})"
    sheet.text(2, 0, heading, {**st.SECTION, **(st.BAD if conflicts else {})}, measure=False)
    clashes = sheet.table(3, 0, columns_for(CONFLICT_COLUMNS, book.currency), conflicts,
                          name="tblConflicts", what="report.conflicts",
                          empty_text="No booking conflicts.")
    top = clashes.next_row + 1
    events = f"{len(calendar)} event{'' if len(calendar) == 1 else 's'}"
    sheet.text(top - 1, 0, f"Calendar ({events})", st.SECTION, measure=False)
    sheet.table(top, 0, columns_for(CALENDAR_COLUMNS, book.currency), calendar,
                name="tblCalendar", what="report.calendar", empty_text="No events.")
    near_top = top < FREEZE_LIMIT
    sheet.finish(repeat_row=top if near_top else None, freeze_row=top + 1 if near_top else None)
