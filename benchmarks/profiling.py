"""Profiling the project at the full size: py-spy when installed, else cProfile, with a
summary of where the time goes."""

from __future__ import annotations

import io
import json
import pstats
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks.measurements import REPO, RESULT_PREFIX, measure, measure_command
from benchmarks.organisation import Organisation

# --- Profiling ----------------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*):(?P<line>\d+)\)$")


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.is_file() else shutil.which("py-spy")


def _project_frame(frame: str) -> str | None:
    """``addin/x/y.py:function`` for a frame of the project's own code, else None."""
    match = _FRAME.match(frame)
    if not match:
        return None
    file = match.group("file").replace("\\", "/")
    at = file.rfind("addin/")
    if at < 0 or "site-packages" in file[:at]:
        return None
    return f"{file[at:]}:{match.group('func')}"


def _short_frame(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match.group("file").replace("\\", "/")
    for marker in ("site-packages/", "lib/python3", "addin/"):
        at = file.find(marker)
        if at >= 0:
            file = file[at + (len(marker) if marker != "addin/" else 0):]
            break
    return f"{file}:{match.group('func')}"


def summarise_py_spy(raw: Path, rate: int, top: int = 20) -> str:
    """Hot spots from py-spy's raw (collapsed) output: seconds = samples / rate, all processes."""
    innermost: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    processes: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        if frames and frames[0].startswith("process "):
            frames = frames[1:]
        # A forked worker's stack starts with the parent's frames at the time of the fork
        # (consolidate > build_report > collect > ...): keep only what the worker runs.
        worker = next((i for i, f in enumerate(frames) if f.startswith("_process_worker ")), None)
        if worker is not None:
            frames = frames[worker + 1:]
        processes["worker processes" if worker is not None else "main process"] += count
        own = [name for name in (_project_frame(f) for f in frames) if name]
        if own:
            innermost[own[-1]] += count
        for name in set(own):
            inclusive[name] += count
        if frames:
            leaves[_short_frame(frames[-1])] += count
    out = io.StringIO()

    def seconds(samples: int) -> float:
        return samples / rate

    out.write(f"samples: {total} ({seconds(total):.1f} s of sampled time, all processes)\n")
    for who, count in processes.most_common():
        out.write(f"  {who}: {seconds(count):.1f} s\n")
    out.write(f"\nProject functions by time spent in them or in the libraries they call "
              f"(innermost project frame), top {top}:\n")
    for name, count in innermost.most_common(top):
        out.write(f"  {seconds(count):7.1f} s  {100 * count / total:5.1f}%  {name}\n")
    out.write(f"\nProject functions by inclusive time, top {top}:\n")
    for name, count in inclusive.most_common(top):
        out.write(f"  {seconds(count):7.1f} s  {100 * count / total:5.1f}%  {name}\n")
    out.write(f"\nInnermost Python frames (any code; native time counts to its Python caller), "
              f"top {top}:\n")
    for name, count in leaves.most_common(top):
        out.write(f"  {seconds(count):7.1f} s  {100 * count / total:5.1f}%  {name}\n")
    return out.getvalue()


def summarise_cprofile(stats_path: Path, top: int = 25) -> str:
    out = io.StringIO()
    stats = pstats.Stats(str(stats_path), stream=out)
    stats.sort_stats("tottime").print_stats(r"addin/", top)
    stats.sort_stats("cumulative").print_stats(r"addin/", top)
    return out.getvalue()


def profile(org: Organisation, out_dir: Path, workers: int | None, tool: str) -> str:
    """Profile the project at ``org``'s size; returns the printed summary."""
    py_spy = _py_spy()
    if tool == "py-spy" and py_spy is not None:
        raw = out_dir / f"profile-{org.rows}.txt"
        rate = 100
        command = [py_spy, "record", "--subprocesses", "--function",
                   "--rate", str(rate), "--format", "raw", "--output", str(raw), "--",
                   *measure_command("project", org, out_dir / f"profiled-{org.rows}.xlsx", workers)]
        completed = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        if completed.returncode != 0 or not raw.is_file():
            raise RuntimeError(f"py-spy failed:\n{completed.stderr[-3000:]}")
        lines = [ln for ln in completed.stdout.splitlines() if ln.startswith(RESULT_PREFIX)]
        took = json.loads(lines[-1][len(RESULT_PREFIX):])["seconds"] if lines else float("nan")
        head = (f"py-spy record --subprocesses --function --rate {rate} on the "
                f"project run ({took:.1f} s under the profiler); raw stacks in {raw}\n")
        return head + summarise_py_spy(raw, rate)
    measured = measure("project-cprofile", org, out_dir / f"cprofile-{org.rows}.xlsx", workers)
    head = (f"cProfile of the project with workers=1, in one process ({measured.seconds:.1f} s under "
            f"the profiler); stats in {measured.detail['stats']}\n")
    return head + summarise_cprofile(Path(measured.detail["stats"]))
