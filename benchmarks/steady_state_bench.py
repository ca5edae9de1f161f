"""The consolidation in its monthly steady state: last month's workbooks still in the inbox.

An inbox is rarely one period's files alone: last month's stay beside this
month's, and each department's report shows what changed since then. This
benchmark generates both periods with consolidate_bench's generator and times
the project (each run in its own subprocess, as there) on:

* ``this month``: the month's workbooks alone (consolidate_bench's inbox);
* ``both months``: the same folder plus last month's workbooks (hard links).

The difference is what last month's files cost: reading their Info sheets, and
working out what changed for every department (which reads both workbooks).

    python -m benchmarks.steady_state_bench --departments 50 --rows 5000 --workdir /tmp/bench
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks.consolidate_bench import say
from benchmarks.measurements import Measurement, measure
from benchmarks.organisation import PERIOD, Organisation, generate
from benchmarks.tables import environment

PREVIOUS = "2026-09"


def both_months(root: Path, this: Organisation, last: Organisation) -> Organisation:
    """A folder holding both organisations' workbooks (hard links, else copies)."""
    inbox = root / f"{this.inbox.name}-with-{PREVIOUS}"
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir()
    for source in [*this.inbox.glob("*.xlsx"), *last.inbox.glob("*.xlsx")]:
        try:
            os.link(source, inbox / source.name)
        except OSError:
            shutil.copy2(source, inbox / source.name)
    return Organisation(inbox, this.departments, this.rows, this.planted, None)


def line(label: str, found: Measurement) -> str:
    steps = ", ".join(f"{step} {seconds:.2f} s"
                      for step, seconds in found.detail.get("phases", {}).items())
    return (f"  {label:<12} {found.seconds:7.2f} s  cpu {found.cpu_seconds:7.2f} s  "
            f"peak {found.peak_mb:5.0f} MB   ({steps})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.steady_state_bench",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--rows", type=int, default=5000, help="rows per data sheet")
    parser.add_argument("--workdir", type=Path, help="generate (and reuse) workbooks here")
    parser.add_argument("--workers", type=int, help="workers for the project (default: its own)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    root = args.workdir or Path(tempfile.mkdtemp(prefix="steady-state-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    (root / "out").mkdir(exist_ok=True)
    try:
        this = generate(root, args.departments, args.rows, args.seed)
        last = generate(root, args.departments, args.rows, args.seed, period=PREVIOUS)
        both = both_months(root, this, last)
        say(f"steady_state_bench: {args.departments} departments x {args.rows:,} rows per data "
            f"sheet; report for {PERIOD}, with {PREVIOUS}'s workbooks beside it or not")
        say(f"machine: {environment()}")
        alone = measure("project", this, root / "out" / "steady-this.xlsx", args.workers)
        say(line("this month", alone))
        with_last = measure("project", both, root / "out" / "steady-both.xlsx", args.workers)
        say(line("both months", with_last))
        say(f"  last month's workbooks cost {with_last.seconds - alone.seconds:.2f} s "
            f"({with_last.seconds / alone.seconds:.2f}x the month alone)")
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
