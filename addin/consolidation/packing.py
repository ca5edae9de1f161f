"""Rows of named tuples sent between processes as columns.

A partial travels from its worker by pickle. Its events and employees go as
columns of plain values: rows of named tuples and date-times took as long to
pickle as the workbook took to validate (measured: 250,000 events, 1.8 s to
pickle and 0.8 s to unpickle; as columns, 0.5 s and 0.2 s).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

Packed = tuple[tuple[Any, ...], ...] | list[Any]

_EPOCH = datetime(2000, 1, 1)
_MICROSECOND = timedelta(microseconds=1)


def maker(kind: Any) -> Callable[[Iterable[Any]], Any]:
    """Named tuples of ``kind`` from rows of values, without a Python call each
    (``kind._make`` is one, which also counts the values): every row given must
    have exactly the fields of ``kind``, as rows zipped from its columns do."""
    return functools.partial(tuple.__new__, kind)


def pack_rows(rows: list[Any], moments: Sequence[str] = ()) -> Packed:
    """Named tuples as columns; the fields named in ``moments`` (naive date-times) as
    whole microseconds since 2000, exactly. Rows with a time zone go as they are
    (never from a workbook: Excel has no time zones, but they are kept exact)."""
    if not rows:
        return ()
    fields = type(rows[0])._fields
    at = [fields.index(name) for name in moments]
    if any(row[i].tzinfo is not None for row in rows for i in at):
        return rows
    columns = list(zip(*rows, strict=True))
    for index in at:
        columns[index] = tuple((moment - _EPOCH) // _MICROSECOND for moment in columns[index])
    return tuple(columns)


def unpack_rows(kind: Any, packed: Packed, moments: Sequence[str] = ()) -> list[Any]:
    """The named tuples :func:`pack_rows` packed."""
    if isinstance(packed, list):
        return packed
    if packed and len(packed) != len(kind._fields):
        raise ValueError(f"{len(packed)} columns sent for the {len(kind._fields)} of {kind.__name__}")
    columns = list(packed)
    at = [kind._fields.index(name) for name in moments] if columns else []
    # Each distinct moment made once: a calendar repeats its slots (09:00 on a day).
    made = {ticks: _EPOCH + _MICROSECOND * ticks for i in at for ticks in set(columns[i])}
    for index in at:
        columns[index] = tuple(map(made.__getitem__, columns[index]))
    return list(map(maker(kind), zip(*columns, strict=True)))
