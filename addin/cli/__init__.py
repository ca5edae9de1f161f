"""The ``backoffice`` command: a thin layer over the library API.

Exit codes: 0 success (warnings allowed), 1 problems found or nothing could be
produced, 2 the command could not run (bad usage, missing path, unreadable
file or configuration).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from addin import __version__
from addin.cli import (
    addin_cmd,
    config_cmd,
    consolidate_cmd,
    demo_cmd,
    init_cmd,
    schedule_cmd,
    validate_cmd,
)
from addin.errors import BackofficeError

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CANNOT_RUN = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backoffice",
        description="Validate and consolidate department workbooks (Budget, Payroll, "
        "Inventory, Schedule).",
    )
    parser.add_argument("--version", action="version", version=f"backoffice {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    init_cmd.register(commands)
    validate_cmd.register(commands)
    addin_cmd.register(commands)
    schedule_cmd.register(commands)
    config_cmd.register(commands)
    consolidate_cmd.register(commands)
    demo_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except BackofficeError as exc:
        print(f"backoffice: {exc}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("backoffice: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
