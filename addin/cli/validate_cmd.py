"""``backoffice validate PATH...``: check workbooks against the contract."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from addin.cli.output import render_outcomes
from addin.settings import load_config
from addin.validation.batch import validate_paths


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "validate",
        help="check department workbooks and list every problem at its cell",
        description="Check department workbooks (files, or folders searched recursively) "
        "against the workbook contract. Never modifies them. Exit code 0: no errors "
        "(warnings allowed); 1: errors found; 2: could not run (missing path, a file that is "
        "not a readable workbook, bad configuration).",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--config", type=Path, help="organisation configuration (TOML)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    try:
        outcomes = validate_paths(args.paths, config)
    except FileNotFoundError as exc:
        print(f"backoffice: no such file or folder: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.format == "json":
        records = [issue.to_dict() for outcome in outcomes for issue in outcome.issues]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_outcomes(outcomes))
    if all(outcome.skipped for outcome in outcomes):
        print("backoffice: no .xlsx or .xlsm workbooks found", file=sys.stderr)
        return 2
    if any(outcome.failure is not None for outcome in outcomes):
        return 2
    return 1 if any(issue.severity == "error" for o in outcomes for issue in o.issues) else 0
