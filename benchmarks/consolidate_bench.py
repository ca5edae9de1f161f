"""Consolidation benchmark: the project against a naive pandas script and two parse floors.

Generates an organisation of N departments x R rows per data sheet (four data
sheets, so 4 x N x R data rows), then measures, each in its own fresh
subprocess (so that peak memory is the measurement's own and no cache leaks
from one to the next):

* ``project`` -- :func:`addin.consolidation.consolidate` (reads, validates,
  consolidates and writes the report) when :mod:`addin.report` provides
  ``write_report``, else :func:`addin.consolidation.build_report` (everything
  but writing); the output says which;
* ``naive`` -- what a finance analyst would write: ``pandas.read_excel`` with
  openpyxl for every sheet of every file, ``concat``, ``groupby`` sums and
  ``DataFrame.to_excel`` with openpyxl; no validation;
* ``calamine`` -- python-calamine reading every cell of every file into Python
  values, and nothing else (one process);
* ``fastexcel`` -- fastexcel reading every sheet into an Arrow record batch,
  and nothing else (one process).

This module is the command line; :mod:`benchmarks.organisation` generates the
workbooks, :mod:`benchmarks.measurements` runs each measurement,
:mod:`benchmarks.tables` prints the figures and verdicts, and
:mod:`benchmarks.profiling` profiles the project.

Run ``python -m benchmarks.consolidate_bench --help``; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from benchmarks.measurements import (
    RESULT_PREFIX,
    Measurement,
    measure,
    measure_here,
    project_mode_elsewhere,
)
from benchmarks.organisation import MAX_DEPARTMENTS, Organisation, generate
from benchmarks.profiling import profile
from benchmarks.tables import (
    SizeResult,
    environment,
    fmt,
    main_table,
    memory_table,
    per_row_table,
    size_label,
    validation_lines,
    verdicts,
)

# --- Command line -------------------------------------------------------------------------------


def _sizes(text: str | None, rows: int) -> list[int]:
    sizes = {rows}
    if text:
        sizes |= {int(part.replace("_", "").replace(",", "")) for part in text.split(",") if part}
    return sorted(sizes)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.consolidate_bench",
        description="Time the project's consolidation against a naive pandas script and two "
                    "parse floors (python-calamine, fastexcel) on generated workbooks.")
    parser.add_argument("--departments", type=int, default=50, help="departments (files); default 50")
    parser.add_argument("--rows", type=int, default=5000,
                        help="rows per data sheet at the full size, where targets are judged; "
                             "default 5000")
    parser.add_argument("--sizes", help="rows per data sheet to measure, comma separated, e.g. "
                                        "1000,2500,5000 (--rows is always included)")
    parser.add_argument("--skip-naive", action="store_true", help="do not run the naive baseline")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the project and the floors this many times at each size, in "
                             "turn, and judge each on its median run (the naive script runs once); "
                             "default 1")
    parser.add_argument("--workdir", type=Path,
                        help="generate here and reuse workbooks generated with the same parameters "
                             "(default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--workers", type=int, help="workers for the project (default: its own)")
    parser.add_argument("--seed", type=int, default=2026, help="generator seed; default 2026")
    parser.add_argument("--profile", nargs="?", const="py-spy", choices=("py-spy", "cprofile"),
                        help="also profile the project at the full size (py-spy when installed, "
                             "else cProfile of a one-process run)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--inbox", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.departments <= MAX_DEPARTMENTS:
        parser.error(f"--departments must be between 1 and {MAX_DEPARTMENTS}")
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    return args


def say(text: str = "") -> None:
    print(text, flush=True)


def measure_size(org: Organisation, out_dir: Path, workers: int | None, repeat: int,
                 skip_naive: bool) -> SizeResult:
    """Every measurement at one size. The project and the floors run ``repeat`` times,
    in turn (floor, floor, project, floor, floor, project, ...), so a slow spell of the
    machine falls on all of them alike; each is judged on its median run's time and
    the largest peak memory of its runs (the median of an even count is the slower of
    the middle two)."""
    size = SizeResult(org)
    runs: dict[str, list[Measurement]] = defaultdict(list)
    kinds = ["calamine", "fastexcel", "project"]
    for turn in range(repeat):
        for kind in kinds + (["naive"] if turn == 0 and not skip_naive else []):
            found = measure(kind, org, out_dir / f"{kind}-{org.rows}.xlsx", workers)
            runs[kind].append(found)
            _say_measurement(kind, found, f" (run {turn + 1} of {repeat})" if repeat > 1 else "")
    for kind, measured in runs.items():
        median = sorted(measured, key=lambda m: m.seconds)[len(measured) // 2]
        # Memory is judged on the largest of the runs, not the median's.
        size.results[kind] = dataclasses.replace(
            median, self_bytes=max(m.self_bytes for m in measured),
            children_bytes=max(m.children_bytes for m in measured),
            tree_bytes=max(m.tree_bytes for m in measured))
    if repeat > 1:
        say("  median runs: " + ", ".join(f"{kind} {size.results[kind].seconds:.2f} s "
                                          f"(of {', '.join(f'{m.seconds:.2f}' for m in runs[kind])})"
                                          for kind in kinds))
    return size


def _say_measurement(kind: str, found: Measurement, which: str) -> None:
    say(f"  {kind:<10} {found.seconds:8.2f} s  cpu {found.cpu_seconds:7.2f} s  "
        f"peak {found.rusage_mb:5.0f} MB (self+children), {found.tree_mb:5.0f} MB "
        f"(tree RSS); other processes {fmt(found.other_cores, '.2f')} cores{which}")
    phases = found.detail.get("phases") if kind == "project" else None
    if phases:
        say("             steps: " + ", ".join(f"{step} {seconds:.2f} s"
                                             for step, seconds in phases.items()))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.measure:
        result = measure_here(args.measure, args.inbox, args.out, args.departments, args.workers)
        say(RESULT_PREFIX + json.dumps(result))
        return 0
    sizes = _sizes(args.sizes, args.rows)
    temporary = args.workdir is None
    root = Path(tempfile.mkdtemp(prefix="consolidate-bench-")) if temporary else args.workdir
    root.mkdir(parents=True, exist_ok=True)
    out_dir = root / "out"
    out_dir.mkdir(exist_ok=True)
    mode, why = project_mode_elsewhere()
    say(f"consolidate_bench: {args.departments} departments x {', '.join(f'{s:,}' for s in sizes)} "
        "rows per data sheet (4 data sheets)")
    say(f"machine: {environment()}")
    say(f"workbooks under {root}")
    say("project measured with " + ("consolidate() (reads, validates, consolidates and writes the "
                                    "report)" if mode == "consolidate" else
                                    f"build_report() (no report written: {why})"))
    say()
    results: list[SizeResult] = []
    try:
        for rows in sizes:
            org = generate(root, args.departments, rows, args.seed)
            made = ("reused" if org.generated_seconds is None
                    else f"generated in {org.generated_seconds:.1f} s")
            say(f"[{size_label(org)}] {args.departments} workbooks {made}; "
                f"{org.planted_total} bad rows planted")
            results.append(measure_size(org, out_dir, args.workers, args.repeat, args.skip_naive))
        say()
        say(main_table(results))
        say()
        say("Time per 1,000 data rows (linearity):")
        say(per_row_table(results))
        say()
        say("CPU and peak memory per measurement (cpu s: this process and its workers; others' "
            "cores: CPU other processes on the machine used meanwhile, in cores):")
        say(memory_table(results))
        say()
        say("Validation in the project run:")
        for line in validation_lines(results):
            say(line)
        say()
        for line in verdicts(results, args.rows):
            say(line)
        if args.profile:
            full = next(s for s in results if s.org.rows == args.rows)
            say()
            say(f"Profile of the project at {size_label(full.org)}:")
            say(profile(full.org, out_dir, args.workers, args.profile))
    finally:
        if temporary and not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        elif temporary:
            say(f"kept {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
