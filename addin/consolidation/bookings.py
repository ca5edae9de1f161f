"""Booking conflicts: two events at the same Location whose times overlap.

Locations match without regard to case or surrounding spaces. Events are
swept in order of start per location, so the cost is the number of events
plus the number of conflicts, not every pair. The consolidation works on the
events a column at a time (:func:`overlapping_pairs`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import compress

from addin.kinds.schedule import overlaps


def overlapping_pairs(
    locations: Sequence[str | None], starts: Sequence[datetime], ends: Sequence[datetime],
    departments: Sequence[str],
) -> list[tuple[int, int]]:
    """(earlier, later) positions of every pair of overlapping events at one location.

    By location, then in order of start (then end, department, and the order given).
    The events of a location are swept in that order, keeping those still going on;
    while none is (the usual case), an event costs a comparison.
    """
    place_of = {place: (place or "").strip().casefold() for place in dict.fromkeys(locations)}
    places = list(map(place_of.__getitem__, locations))
    keys = list(zip(places, starts, ends, departments, strict=True))
    order = sorted(compress(range(len(places)), places), key=keys.__getitem__)
    pairs: list[tuple[int, int]] = []
    place: str | None = None
    active: list[int] = []
    horizon = datetime.min  # no active event ends after this
    for later in order:
        start, end = starts[later], ends[later]
        if places[later] != place or start >= horizon:  # nothing going on: start again
            place, active, horizon = places[later], [later], end
            continue
        active = [a for a in active if ends[a] > start]
        for earlier in active:
            if overlaps(starts[earlier], ends[earlier], start, end):
                pairs.append((earlier, later))
        active.append(later)
        horizon = max(horizon, end)
    return pairs
