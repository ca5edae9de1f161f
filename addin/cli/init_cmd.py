"""``backoffice init DIR``: new department workbooks from the template."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from addin import locales
from addin.settings import Department, load_config
from addin.templates import write_department_workbook

if TYPE_CHECKING:
    from addin.vba import MacroProject

BACKUP_FOLDER = ".backup"


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "init",
        help="write blank department workbooks from the template",
        description="Write a department workbook (Info, Budget, Payroll, Inventory, Schedule "
        "and Settings sheets) as DIR/<CODE>_<PERIOD>.xlsx, or .xlsm with --macros. An existing "
        f"workbook is kept unless --force, and then saved first under DIR/{BACKUP_FOLDER}/ with "
        "a timestamp.",
    )
    parser.add_argument("folder", type=Path, metavar="DIR")
    parser.add_argument("--department", metavar="CODE", help="Department Code, e.g. FIN")
    parser.add_argument("--name", help="Department Name, e.g. Finance")
    parser.add_argument("--period", required=True, help="YYYY-MM")
    parser.add_argument("--currency", help="ISO 4217 code (default: the department's, or USD)")
    parser.add_argument("--prepared-by", default="", metavar="NAME")
    parser.add_argument("--lang", choices=locales.languages(), default="en",
                        help="language of the column headers and Info keys")
    parser.add_argument("--all-departments", action="store_true",
                        help="one workbook per department of the organisation configuration")
    parser.add_argument("--macros", action="store_true",
                        help="write macro-enabled .xlsm workbooks with the Validate, Submit, "
                        "Consolidate now and Clear marks buttons (VBA built from macros/)")
    parser.add_argument("--force", action="store_true", help="replace existing workbooks")
    parser.add_argument("--config", type=Path, help="organisation configuration (TOML)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if args.all_departments:
        departments = list(config.departments)
    elif args.department and args.name:
        known = {d.code: d for d in config.departments}
        currency = known[args.department].currency if args.department in known else "USD"
        departments = [Department(code=args.department, name=args.name, currency=currency)]
    else:
        print("backoffice: give --department and --name, or --all-departments", file=sys.stderr)
        return 2
    macros = _macro_project() if args.macros else False
    if macros is None:
        return 2
    args.folder.mkdir(parents=True, exist_ok=True)
    suffix = ".xlsm" if args.macros else ".xlsx"
    targets = [args.folder / f"{d.code}_{args.period}{suffix}" for d in departments]
    existing = [t for t in targets if t.exists()]
    if existing and not args.force:
        names = ", ".join(t.name for t in existing)
        print(f"backoffice: {names} already exist(s); use --force to replace (a backup is kept)",
              file=sys.stderr)
        return 1
    for department, target in zip(departments, targets, strict=True):
        try:
            backup = _back_up(target)
            write_department_workbook(
                target, department_code=department.code, department_name=department.name,
                period=args.period, currency=args.currency or department.currency,
                prepared_by=args.prepared_by, language=args.lang, settings=config.payroll,
                macros=macros,
            )
        except ValueError as exc:
            print(f"backoffice: {exc}", file=sys.stderr)
            return 2
        kept = f" (the old one is kept as {backup})" if backup else ""
        print(f"wrote {target}{kept}")
    return 0


def _macro_project() -> MacroProject | None:
    """The VBA project every workbook of this run gets, read and checked once (None: refused)."""
    from addin.vba import MacroProject  # noqa: PLC0415 - pyopenvba and xlwings only for --macros

    try:
        return MacroProject.default()
    except ValueError as exc:  # a module in macros/ that cannot go into a workbook
        print(f"backoffice: {exc}", file=sys.stderr)
        return None


def _back_up(target: Path) -> Path | None:
    if not target.exists():
        return None
    folder = target.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    backup = folder / f"{target.stem} {datetime.now():%Y-%m-%d %H%M%S}{target.suffix}"
    shutil.copy2(target, backup)
    return backup
