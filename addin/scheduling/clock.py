"""Time, injected: the scheduler asks a :class:`Clock` and never the system directly.

``now()`` is the wall clock (aware, UTC) that scheduled slots are compared
with; it may jump (a clock set back, a machine woken from sleep).
``monotonic()`` only moves forward and measures waits (retry back-off).
``sleep()`` waits, returning early when ``wake`` is set (a shutdown request).

Tests pass a clock they control; everything else uses :data:`SYSTEM_CLOCK`.
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Clock(Protocol):
    """What the scheduler needs to know about time."""

    def now(self) -> datetime:
        """The current wall-clock time, timezone-aware."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back."""
        ...

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> None:
        """Wait ``seconds``, or less if ``wake`` is set meanwhile."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, wake: threading.Event | None = None) -> None:
        if seconds <= 0:
            return
        if wake is None:
            time.sleep(seconds)
        else:
            wake.wait(seconds)


SYSTEM_CLOCK = SystemClock()


def zone(name: str | None) -> tzinfo:
    """The IANA time zone ``name`` ("Europe/Berlin"), or this machine's zone for ``None``.

    Raises :class:`ValueError` for a name the time zone database does not know.
    """
    if name is None:
        return local_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as \"Europe/Berlin\" or \"UTC\")"
        ) from None


def local_zone() -> tzinfo:
    """This machine's time zone, with its daylight-saving rules where they can be found.

    Looked for in ``$TZ``, then ``/etc/localtime`` (Linux, macOS). Where neither
    gives a named zone (Windows without ``tzdata``), the current UTC offset is
    used, which does not follow daylight saving: set ``scheduler.timezone``.
    """
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            try:
                return ZoneInfo(target.split("zoneinfo/", 1)[1])
            except (ZoneInfoNotFoundError, ValueError):
                pass
    if localtime.is_file():
        with localtime.open("rb") as handle:
            return ZoneInfo.from_file(handle, key="localtime")
    offset_zone = datetime.now().astimezone().tzinfo
    return offset_zone if offset_zone is not None else UTC


def zone_name(tz: tzinfo) -> str:
    """A short name for messages: the IANA key, or what the zone calls itself."""
    key = getattr(tz, "key", None)
    if isinstance(key, str):
        return key
    return str(tz)
