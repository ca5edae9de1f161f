"""Schedule: meetings, maintenance, trainings, shifts and deadlines.

One row is one event. A Start or End given as a date alone means the whole
day: Start at 00:00 of that day, End at 00:00 of the next (ends are
exclusive, so an event ending at 10:00 and one starting at 10:00 do not
overlap). Event ID is unique within the sheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import lt
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from addin.columns import Column, ColumnType
from addin.kinds.base import Broken, Columns, RowContext, RowModel, RowRule, SheetKind

EVENT_TYPES = ("Meeting", "Maintenance", "Training", "Deadline", "Shift", "Other")

ZERO = Decimal(0)

COLUMNS = (
    Column("event_id", "Event ID", ColumnType.TEXT, identifier=True, help="Unique in this sheet.", width=11),
    Column("title", "Title", ColumnType.TEXT, help="What the event is.", width=30),
    Column("type", "Type", ColumnType.CHOICE, choices=EVENT_TYPES, help="Pick from the list.", width=12),
    Column("start", "Start", ColumnType.DATETIME, help="Date and time it starts.", width=17),
    Column("end", "End", ColumnType.DATETIME, help="Date and time it ends; after Start.", width=17),
    Column(
        "location", "Location", ColumnType.TEXT, required=False,
        help="Room or shared resource; optional.", width=18,
    ),
    Column("owner", "Owner", ColumnType.TEXT, help="Who is responsible.", width=18),
    Column(
        "attendees", "Attendees", ColumnType.INTEGER, required=False, blank_default=ZERO,
        minimum=ZERO, help="Number of people; blank means 0.", width=10,
    ),
)


def whole_day_start(value: Any) -> Any:
    """A date alone starts at 00:00 of its day (anything else is left to the type check)."""
    if type(value) is date:
        return datetime.combine(value, time())
    return value


def whole_day_end(value: Any) -> Any:
    """A date alone ends at 00:00 of the next day: ends are exclusive."""
    if type(value) is date:
        return datetime.combine(value + timedelta(days=1), time())
    return value


class ScheduleRow(RowModel):
    event_id: str
    title: str
    type: Literal[EVENT_TYPES]  # type: ignore[valid-type]
    start: Annotated[datetime, BeforeValidator(whole_day_start)]
    end: Annotated[datetime, BeforeValidator(whole_day_end)]
    location: str | None = None
    owner: str
    attendees: Annotated[Decimal, Field(ge=0)] = ZERO


def _end_after_start(rows: Columns, context: RowContext) -> Iterator[Broken]:
    if all(map(lt, rows["start"], rows["end"])):  # the usual sheet, decided in C
        return
    for position, (start, end) in enumerate(zip(rows["start"], rows["end"], strict=True)):
        if end <= start:
            yield position, f"must be after Start ({start:%Y-%m-%d %H:%M})"


RULES = (RowRule("end-before-start", "end", ("start", "end"), _end_after_start),)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Two events overlap when each starts before the other ends."""
    return a_start < b_end and b_start < a_end


KIND = SheetKind(
    name="Schedule",
    columns=COLUMNS,
    model=ScheduleRow,
    unique_keys=(("event_id",),),
    description="Meetings, maintenance, trainings, shifts and deadlines.",
    rules=RULES,
)
