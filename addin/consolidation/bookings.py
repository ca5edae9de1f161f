"""Booking conflicts: two events at the same Location whose times overlap.

Locations match without regard to case or surrounding spaces. Events are
swept in order of start per location, so the cost is the number of events
plus the number of conflicts, not every pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from addin.consolidation.partials import Event
from addin.kinds.schedule import overlaps


class Booking(NamedTuple):
    """An event with the department and file it came from (a tuple: there are one per event)."""

    department: str
    file: str
    event: Event


def booking_conflicts(bookings: Iterable[Booking]) -> list[tuple[Booking, Booking]]:
    """Every pair of overlapping bookings of one location, earlier first."""
    by_place: dict[str, list[Booking]] = defaultdict(list)
    for booking in bookings:
        place = (booking.event.location or "").strip().casefold()
        if place:
            by_place[place].append(booking)
    pairs: list[tuple[Booking, Booking]] = []
    for place in sorted(by_place):
        ordered = sorted(by_place[place], key=lambda b: (b.event.start, b.event.end, b.department))
        active: list[Booking] = []
        for booking in ordered:
            active = [a for a in active if a.event.end > booking.event.start]
            for earlier in active:
                if overlaps(earlier.event.start, earlier.event.end,
                            booking.event.start, booking.event.end):
                    pairs.append((earlier, booking))
            active.append(booking)
    return pairs
