"""``backoffice demo [--out DIR]``: the whole job on a realistic demo organisation."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from addin.cli.consolidate_cmd import summary_text
from addin.cli.output import render_outcomes
from addin.demo import found_mistakes, run_demo


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "demo",
        help="build a demo organisation, validate its workbooks and consolidate them",
        description="Write nine department workbooks (with a few planted mistakes) into "
        "DIR/inbox, validate them, and consolidate them into DIR/reports.",
    )
    parser.add_argument("--out", type=Path, default=Path("demo-output"), metavar="DIR")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    demo = run_demo(args.out)
    out = sys.stdout
    out.write(render_outcomes(demo.outcomes))
    found = found_mistakes(demo.outcomes)
    planted = sorted(demo.planted)
    verdict = "all found, nothing else reported" if found == planted else "MISMATCH"
    out.write(f"\nPlanted mistakes: {len(planted)}; problems reported: {len(found)} ({verdict}).\n\n")
    out.write(summary_text(demo.consolidation))
    out.write(f"\nDemo finished in {time.perf_counter() - started:.1f} s.\n")
    return 0 if found == planted else 1
