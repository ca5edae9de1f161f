"""Booking conflicts over the organisation's events, a column at a time.

:func:`addin.consolidation.bookings.overlapping_pairs` is checked against every
pair worked out by hand (two events at one location overlap when each starts
before the other ends), and against the plain sweep it replaced, for the order.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.consolidation.bookings import overlapping_pairs

BASE = datetime(2026, 10, 5, 8)
PLACES = st.sampled_from(["Room 1", "room 1 ", " ROOM 1", "Room 2", "Hall", None, "", "  "])
EVENT = st.tuples(PLACES, st.integers(0, 40), st.integers(1, 12), st.sampled_from(["FIN", "HR", "IT"]))


def place_key(place: str | None) -> str:
    return (place or "").strip().casefold()


def by_hand(events: list[tuple[str | None, datetime, datetime, str]]) -> set[frozenset[int]]:
    return {
        frozenset((a, b))
        for a, (place_a, start_a, end_a, _) in enumerate(events)
        for b, (place_b, start_b, end_b, _) in enumerate(events)
        if a < b and place_key(place_a) and place_key(place_a) == place_key(place_b)
        and start_a < end_b and start_b < end_a
    }


def plain_sweep(events: list[tuple[str | None, datetime, datetime, str]]) -> list[tuple[int, int]]:
    """The sweep as it was written before (one location at a time, every active event)."""
    by_place: dict[str, list[int]] = {}
    for position, event in enumerate(events):
        if place_key(event[0]):
            by_place.setdefault(place_key(event[0]), []).append(position)
    pairs = []
    for place in sorted(by_place):
        active: list[int] = []
        for later in sorted(by_place[place], key=lambda p: (events[p][1], events[p][2], events[p][3])):
            active = [a for a in active if events[a][2] > events[later][1]]
            pairs += [(a, later) for a in active if events[a][1] < events[later][2]]
            active.append(later)
    return pairs


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENT, max_size=40))
def test_every_overlap_at_one_location_and_no_other(raw: list[tuple[str | None, int, int, str]]) -> None:
    events = [(place, BASE + timedelta(minutes=15 * at), BASE + timedelta(minutes=15 * (at + length)),
               department) for place, at, length, department in raw]
    found = overlapping_pairs(*(list(column) for column in zip(*events, strict=True))) if events \
        else overlapping_pairs([], [], [], [])
    assert len(found) == len(set(found))
    assert {frozenset(pair) for pair in found} == by_hand(events)
    assert found == plain_sweep(events)


def test_a_long_meeting_overlaps_everything_after_it_until_it_ends() -> None:
    # Three short meetings inside one long one: each overlaps it, not one another.
    starts = [BASE, BASE + timedelta(hours=1), BASE + timedelta(hours=2), BASE + timedelta(hours=3),
              BASE + timedelta(hours=9)]
    ends = [BASE + timedelta(hours=8), *(start + timedelta(minutes=30) for start in starts[1:4]),
            BASE + timedelta(hours=10)]
    found = overlapping_pairs(["Hall"] * 5, starts, ends, ["FIN"] * 5)
    assert found == [(0, 1), (0, 2), (0, 3)]
