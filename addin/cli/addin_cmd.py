"""``backoffice addin-code``: the code an xlwings Lite or xlwings Server deployment needs.

Both are optional: desktop Excel uses the worksheet functions and buttons
through open-source xlwings and needs none of this (and no xlwings PRO key).

* ``backoffice addin-code`` prints a module to paste into xlwings Lite's
  ``main.py``: it imports the ``BO_`` functions and the button scripts, which
  Lite registers because they are members of ``main``.
* ``backoffice addin-code --server`` prints the module paths an xlwings Server
  deployment imports into its ``custom_functions`` and ``custom_scripts``
  packages.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

UDF_MODULE = "addin.udfs"
MACRO_MODULE = "addin.macros"


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "addin-code",
        help="print the code for an xlwings Lite or xlwings Server deployment (optional)",
        description="Print the module to paste into xlwings Lite's main.py (default), or, with "
        "--server, the module paths an xlwings Server deployment imports. Desktop Excel needs "
        "neither: it uses xlwings.conf and macros/backoffice.bas.",
    )
    parser.add_argument(
        "--server", action="store_true",
        help="print the imports for xlwings Server's custom_functions and custom_scripts packages",
    )
    parser.set_defaults(run=run)


def function_names() -> list[str]:
    """The worksheet functions, read from :mod:`addin.udfs` (``BO_`` names)."""
    from addin import udfs  # noqa: PLC0415 - imports xlwings: only when asked

    return sorted(name for name in vars(udfs) if name.startswith("BO_"))


def script_names() -> list[str]:
    """The button scripts, read from :mod:`addin.macros` (``*_script`` names)."""
    from addin import macros  # noqa: PLC0415 - imports xlwings: only when asked

    return sorted(name for name in vars(macros) if name.endswith("_script"))


def _imports(module: str, names: list[str]) -> list[str]:
    lines = [f"from {module} import (  # noqa: F401 - imported to be registered"]
    lines += [f"    {name}," for name in names]
    lines.append(")")
    return lines


def lite_module() -> str:
    """The text of xlwings Lite's ``main.py``."""
    lines = [
        '"""backoffice in xlwings Lite: worksheet functions (BO_...) and button scripts.',
        "",
        "Paste this into main.py. requirements.txt must list the backoffice package (a wheel",
        "URL your IT publishes) and its dependencies. Settings come from xlwings Lite's",
        "environment variables (BACKOFFICE_* overrides, see the README); the Submit and",
        "Consolidate buttons need a shared folder and are for desktop Excel or xlwings Server.",
        '"""',
        "",
        *_imports(UDF_MODULE, function_names()),
        "",
        *_imports(MACRO_MODULE, [n for n in script_names() if n.startswith(("validate", "clear"))]),
        "",
    ]
    return "\n".join(lines)


def server_module() -> str:
    """The imports for an xlwings Server deployment."""
    lines = [
        f"# Custom functions module: {UDF_MODULE}",
        f"# Custom scripts module:   {MACRO_MODULE}",
        "#",
        "# In the xlwings Server project, app/custom_functions/__init__.py:",
        *_imports(UDF_MODULE, function_names()),
        "",
        "# and app/custom_scripts/__init__.py:",
        *_imports(MACRO_MODULE, script_names()),
        "",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    sys.stdout.write(server_module() if args.server else lite_module())
    return 0
