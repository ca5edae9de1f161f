"""The workbooks committed under ``workbooks/``, and the one command that rebuilds them.

``python -m addin.vba.workbooks`` rewrites them all; ``--check`` rebuilds them in
a temporary folder and lists those that differ from the committed files (exit
status 1), which is what the test suite does. Builds are deterministic (fixed
document dates, fixed ZIP entry times, a stable module order), so a rebuild
without a change in the code gives identical bytes.

* ``workbooks/templates/``: blank department workbooks in English, Vietnamese
  and Chinese headers, as ``.xlsx`` and as ``.xlsm`` with the buttons, for a
  placeholder department (code ``DEPT``, period :data:`TEMPLATE_PERIOD`).
* ``workbooks/demo/``: the demo organisation's nine filled workbooks, exactly as
  ``backoffice demo`` writes them into its inbox (mistakes planted on purpose).
"""

from __future__ import annotations

import argparse
import filecmp
import functools
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from addin.templates import write_department_workbook
from addin.vba.project import default_macros_folder
from addin.vba.workbook_macros import MacroProject

TEMPLATE_PERIOD: Final = "2026-10"
TEMPLATE_CODE: Final = "DEPT"
TEMPLATE_NAME: Final = "Department"
TEMPLATE_CURRENCY: Final = {"en": "USD", "vi": "VND", "zh": "CNY"}
"""Each language's template in the currency of the place it is most used in."""


@dataclass(frozen=True, slots=True)
class Committed:
    """A committed workbook: its path under ``workbooks/`` and how to write it."""

    path: str
    write: Callable[[Path], Path]


def default_folder() -> Path:
    """The repository's ``workbooks/`` folder (beside ``macros/``)."""
    return default_macros_folder().parent / "workbooks"


def committed_workbooks() -> list[Committed]:
    """Every committed workbook, in a stable order."""
    return [*_templates(), *_demo()]


def _templates() -> Iterator[Committed]:
    project: list[MacroProject] = []  # built once, on first use

    def writer(language: str, macros: bool) -> Callable[[Path], Path]:
        def write(target: Path) -> Path:
            if macros and not project:
                project.append(MacroProject.default())
            return write_department_workbook(
                target, department_code=TEMPLATE_CODE, department_name=TEMPLATE_NAME,
                period=TEMPLATE_PERIOD, currency=TEMPLATE_CURRENCY[language], language=language,
                macros=project[0] if macros else False)
        return write

    for language in TEMPLATE_CURRENCY:
        for macros in (False, True):
            suffix = ".xlsm" if macros else ".xlsx"
            yield Committed(f"templates/{TEMPLATE_CODE}_{TEMPLATE_PERIOD}_{language}{suffix}",
                            writer(language, macros))


def _demo() -> Iterator[Committed]:
    from addin.demo.organisation import (  # noqa: PLC0415 - only when the demo is built
        CURRENCIES,
        NAMES,
        PERIOD,
        demo_config,
        organisation,
    )

    @functools.cache
    def rows() -> Any:
        return organisation()[0]

    def writer(code: str) -> Callable[[Path], Path]:
        def write(target: Path) -> Path:
            # As addin.demo.run_demo writes its inbox, so that these are its files.
            return write_department_workbook(
                target, department_code=code, department_name=NAMES[code], period=PERIOD,
                currency=CURRENCIES.get(code, "USD"), prepared_by="Demo Clerk",
                settings=demo_config().payroll, rows=rows()[code])
        return write

    for code in NAMES:
        yield Committed(f"demo/{code}_{PERIOD}.xlsx", writer(code))


def build(folder: Path, workbooks: Sequence[Committed] | None = None) -> list[Path]:
    """Write the committed workbooks under ``folder``; returns their paths."""
    written = []
    for item in workbooks if workbooks is not None else committed_workbooks():
        target = folder / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        written.append(item.write(target))
    return written


def stale(folder: Path, workbooks: Sequence[Committed] | None = None) -> list[str]:
    """The committed workbooks (paths under ``folder``) that a rebuild would change or add.

    Files under ``folder`` that no longer belong there count as stale too.
    """
    items = list(workbooks if workbooks is not None else committed_workbooks())
    with tempfile.TemporaryDirectory(prefix="backoffice-workbooks-") as scratch:
        build(Path(scratch), items)
        changed = [item.path for item in items
                   if not (folder / item.path).is_file()
                   or not filecmp.cmp(folder / item.path, Path(scratch) / item.path, shallow=False)]
    known = {item.path for item in items}
    extra = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                   if path.suffix.lower() in (".xlsx", ".xlsm")
                   and path.relative_to(folder).as_posix() not in known)
    return changed + extra


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m addin.vba.workbooks",
        description="Rebuild the committed workbooks under workbooks/ (templates and demo).")
    parser.add_argument("folder", nargs="?", type=Path, default=None,
                        help="where they go (default: the repository's workbooks/)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild in a temporary folder and list the stale ones (exit 1 if any)")
    args = parser.parse_args(argv)
    folder: Path = args.folder or default_folder()
    if args.check:
        found = stale(folder)
        for name in found:
            print(f"stale: {folder / name}")
        return 1 if found else 0
    for written in build(folder):
        print(f"wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
