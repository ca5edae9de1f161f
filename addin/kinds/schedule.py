"""Schedule: meetings, maintenance, trainings, shifts and deadlines.

One row is one event. A Start or End given as a date alone means the whole
day: Start at 00:00 of that day, End at 00:00 of the next (ends are
exclusive, so an event ending at 10:00 and one starting at 10:00 do not
overlap). Event ID is unique within the sheet.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import Field, model_validator

from addin.columns import Column, ColumnType
from addin.kinds.base import RowModel, SheetKind, rule_error

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


def whole_day_start(value: date) -> datetime:
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def whole_day_end(value: date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time())


class ScheduleRow(RowModel):
    event_id: str
    title: str
    type: Literal[EVENT_TYPES]  # type: ignore[valid-type]
    start: datetime
    end: datetime
    location: str | None = None
    owner: str
    attendees: Annotated[Decimal, Field(ge=0)] = ZERO

    @model_validator(mode="before")
    @classmethod
    def _whole_days(cls, data: Any) -> Any:
        # Only a date alone needs a new dict: a date-time stays as it is, and copying
        # every row's dict for nothing cost a fifth of validating the sheet.
        if isinstance(data, dict):
            start, end = data.get("start"), data.get("end")
            if isinstance(start, date) and not isinstance(start, datetime):
                data = {**data, "start": whole_day_start(start)}
            if isinstance(end, date) and not isinstance(end, datetime):
                data = {**data, "end": whole_day_end(end)}
        return data

    @model_validator(mode="after")
    def _end_after_start(self) -> Self:
        if self.end <= self.start:
            raise rule_error(
                "end-before-start", "end", f"must be after Start ({self.start:%Y-%m-%d %H:%M})"
            )
        return self


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Two events overlap when each starts before the other ends."""
    return a_start < b_end and b_start < a_end


KIND = SheetKind(
    name="Schedule",
    columns=COLUMNS,
    model=ScheduleRow,
    unique_keys=(("event_id",),),
    description="Meetings, maintenance, trainings, shifts and deadlines.",
)
