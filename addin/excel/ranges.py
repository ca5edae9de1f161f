"""A range of cells checked as one sheet kind, and the booking conflicts in a Schedule range.

Used by ``BO_VALIDATE`` and ``BO_CONFLICTS``. The range is read as a grid whose
top-left cell is A1: a worksheet function receives the range's values, not
its address, so cell references are counted from the range's first cell (the
sheet's own addresses when the range starts at A1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from addin.cells import RawValue
from addin.columns import normalise_header
from addin.issues import Issue
from addin.kinds import DATA_KINDS, INFO_SHEET, RowContext, kind_named
from addin.kinds.schedule import KIND as SCHEDULE
from addin.kinds.schedule import ScheduleRow, overlaps
from addin.reading.grid import Grid
from addin.reading.table import HeaderNotFound, locate_table
from addin.settings import OrgConfig
from addin.validation.info import validate_info
from addin.validation.rows import SheetResult, validate_table

RANGE_FILE = "(range)"
"""The ``file`` of issues found in a range: there is no file."""


class UnknownKind(ValueError):
    """The kind named is not a sheet kind of the contract."""


def known_kinds() -> list[str]:
    return [INFO_SHEET, *DATA_KINDS]


@dataclass(slots=True)
class RangeCheck:
    """A range validated as ``kind``: its issues, and the sheet result for data kinds."""

    kind: str
    issues: list[Issue]
    sheet: SheetResult | None = None


def check_range(
    rows: list[list[RawValue]], kind_name: str, config: OrgConfig, today: date | None = None
) -> RangeCheck:
    """Validate ``rows`` (header row included, title rows allowed) as a sheet of ``kind_name``."""
    grid = Grid(sheet=kind_name, rows=rows)
    if normalise_header(kind_name) == normalise_header(INFO_SHEET):
        grid.sheet = INFO_SHEET
        return RangeCheck(INFO_SHEET, list(validate_info(grid, RANGE_FILE).issues))
    try:
        kind = kind_named(kind_name)
    except KeyError:
        raise UnknownKind(kind_name) from None
    grid.sheet = kind.name
    located = locate_table(grid, kind, RANGE_FILE)
    if isinstance(located, HeaderNotFound):
        return RangeCheck(kind.name, list(located.issues))
    # No Info sheet around a range: no period or currency rules, generic tax brackets.
    context = RowContext(None, None, config.payroll, today or date.today())
    sheet = validate_table(located, RANGE_FILE, context)
    return RangeCheck(kind.name, sorted(sheet.issues, key=lambda i: i.sort_key), sheet)


@dataclass(frozen=True, slots=True)
class Booking:
    """One accepted Schedule row: its worksheet row number and the event."""

    row: int
    event: ScheduleRow


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two events at the same location whose times overlap."""

    location: str
    first: Booking
    second: Booking


def location_key(location: str | None) -> str:
    """Locations match without regard to case or repeated spaces ("Room 101" = "room  101")."""
    return normalise_header(location or "")


def booking_conflicts(bookings: list[Booking]) -> list[Conflict]:
    """Every pair of events at the same location that overlap, by location then start.

    Events without a location never conflict. Within a location the events
    are sorted by start, so the inner scan stops at the first event that
    starts after the current one ends.
    """
    by_location: dict[str, list[Booking]] = {}
    for booking in bookings:
        key = location_key(booking.event.location)
        if key:
            by_location.setdefault(key, []).append(booking)
    found: list[Conflict] = []
    for key in sorted(by_location):
        events = sorted(by_location[key], key=lambda b: (b.event.start, b.event.end, b.row))
        for index, first in enumerate(events):
            for second in events[index + 1:]:
                if second.event.start >= first.event.end:
                    break
                a, b = first.event, second.event
                if overlaps(a.start, a.end, b.start, b.end):
                    found.append(Conflict(a.location or "", first, second))
    return found


def schedule_bookings(check: RangeCheck) -> list[Booking]:
    """The accepted rows of a Schedule range check."""
    if check.sheet is None or check.sheet.kind is not SCHEDULE:
        return []
    return [
        Booking(row, record)
        for row, record in check.sheet.records
        if isinstance(record, ScheduleRow)
    ]


def shown_moment(moment: datetime) -> str:
    """``2026-10-05 09:00``: readable in a spilled range without a number format."""
    return f"{moment:%Y-%m-%d %H:%M}"
