"""Running the Excel layer without Excel, through xlwings' own server machinery.

xlwings ships the code that xlwings Server and xlwings Lite run for Excel:
``custom_functions_call`` runs a worksheet function from the JSON arguments
Office.js sends, and ``custom_scripts_call`` runs a script against
``xw.Book(json=payload)``, whose ``json()`` then holds the actions Excel would
apply. Both need, before xlwings is first imported:

* ``XLWINGS_ON_SERVER=true``, so that ``xw.func``/``xw.script`` are the
  server decorators (on Linux they are otherwise no-ops);
* ``XLWINGS_LICENSE_KEY=noncommercial``: the remote engine behind
  ``xw.Book(json=...)`` is part of xlwings PRO, free for non-commercial use,
  which these tests are. The add-in itself never needs a key.

Import this module before anything that imports xlwings (``addin.udfs``,
``addin.macros``); it fails loudly if xlwings was imported without them.

Payloads are built from real workbook files as Excel's Office.js client
would send them: each sheet's values from A1 to the last used cell, blanks as
``""``, date cells as ISO strings ending in ``Z``, errors as ``#DIV/0!``-style
strings, plus the sheet's tables and (empty) notes.
"""

from __future__ import annotations

import asyncio
import copy
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from types import ModuleType
from typing import Any

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import openpyxl
import xlwings as xw
from xlwings import server

from addin.cells import NO_RESULT, ExcelError, a1, parse_a1
from addin.reading.workbook import open_workbook
from addin.settings import OrgConfig

if not getattr(xw, "__pro__", False) or getattr(xw.func, "__module__", "") != "xlwings.pro.udfs_officejs":
    raise RuntimeError(
        "xlwings was imported before tests/excel_support.py could set XLWINGS_ON_SERVER=true and "
        "XLWINGS_LICENSE_KEY=noncommercial; set them in the environment (or in tests/conftest.py)"
    )

CLIENT = "Office.js"
RUNTIME = "1.4"  # CustomFunctionsRuntime 1.4: error values are real Excel errors

import addin.macros as macros  # noqa: E402
import addin.udfs as udfs  # noqa: E402

__all__ = ["CLIENT", "RUNTIME", "Action", "macros", "scripts_meta", "server", "udfs", "xw"]


# --- Worksheet functions --------------------------------------------------------------------------


def as_argument(value: object) -> object:
    """One argument as Office.js sends it: every parameter is a matrix; a range stays 2-D."""
    if isinstance(value, list):
        return value
    return [[value]]


def call_data(name: str, *args: object) -> dict[str, Any]:
    """The body xlwings' JavaScript posts to ``/xlwings/custom-functions-call``."""
    return {
        "func_name": name,
        "args": [as_argument(a) for a in args],
        "caller_address": "Office.js[Book1.xlsx]Sheet1!A1",
        "content_language": "en-US",
        "version": xw.__version__,
        "runtime": RUNTIME,
    }


def call_udf(name: str, *args: object, module: ModuleType = udfs) -> Any:
    """Run a worksheet function exactly as xlwings Server would; returns the 2-D result."""
    return asyncio.run(server.custom_functions_call(call_data(name, *args), module))


# xlwings' server functions carry no annotations; these names give them types.
_functions_meta: Callable[[ModuleType], dict[str, Any]] = server.custom_functions_meta
scripts_meta: Callable[[ModuleType], list[dict[str, Any]]] = server.custom_scripts_meta


def udf_meta(module: ModuleType = udfs) -> dict[str, dict[str, Any]]:
    """The custom-function metadata Excel loads, by function name."""
    meta = _functions_meta(module)
    return {function["name"]: function for function in meta["functions"]}


# --- Workbook payloads ---------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    # What the Office.js client sends for a cell in a Date or Time number format:
    # new Date(...).toISOString(), milliseconds and "Z" included.
    return f"{moment:%Y-%m-%dT%H:%M:%S}.000Z"


def json_value(value: object) -> object:
    """A reader value as Office.js sends it in ``values``."""
    if value is None or value is NO_RESULT:
        return ""  # a formula without a saved result: Excel would have recalculated it
    if isinstance(value, ExcelError):
        return value.code
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return _iso(datetime.combine(value, time()))
    if isinstance(value, time):
        return _iso(datetime.combine(date(1899, 12, 30), value))
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _tables(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's Excel Tables, in the shape the Office.js client sends them."""
    found: dict[str, list[dict[str, Any]]] = {}
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            first, last = table.ref.split(":")
            totals = bool(table.totalsRowCount)
            first_col = "".join(c for c in first if c.isalpha())
            last_col = "".join(c for c in last if c.isalpha())
            top, bottom = int(first[len(first_col):]), int(last[len(last_col):])
            body_bottom = bottom - 1 if totals else bottom
            found.setdefault(sheet.title, []).append({
                "name": table.name,
                "range_address": table.ref,
                "header_row_range_address": f"{first_col}{top}:{last_col}{top}",
                "data_body_range_address": f"{first_col}{top + 1}:{last_col}{body_bottom}",
                "total_row_range_address": f"{first_col}{bottom}:{last_col}{bottom}" if totals else None,
                "show_headers": True,
                "show_totals": totals,
                "table_style": table.tableStyleInfo.name if table.tableStyleInfo else "",
                "show_autofilter": True,
            })
    return found


Values = dict[str, list[list[object]]]
Tables = dict[str, list[dict[str, Any]]]
_READ: dict[tuple[Path, int], tuple[Values, Tables]] = {}


def _read(path: Path, config: OrgConfig) -> tuple[Values, Tables]:
    """Values and tables of a file, read once per version of it (copies: payloads get edited)."""
    key = (path.resolve(), path.stat().st_mtime_ns)
    if key not in _READ:
        _READ[key] = (_sheet_values(path, config), _tables(path))
    return copy.deepcopy(_READ[key])


def sheet_values(path: Path, config: OrgConfig) -> dict[str, list[list[object]]]:
    """Every sheet's values from A1, rectangular, as Excel sends them (errors patched in)."""
    return _read(path, config)[0]


def _sheet_values(path: Path, config: OrgConfig) -> dict[str, list[list[object]]]:
    book = open_workbook(path, config)
    sheets: dict[str, list[list[object]]] = {}
    for name in book.sheet_names:
        rows = [[json_value(v) for v in row] for row in book.grid(name).rows]
        width = max((len(row) for row in rows), default=0)
        sheets[name] = [row + [""] * (width - len(row)) for row in rows] or [[]]
    return sheets


def payload(
    path: Path,
    config: OrgConfig,
    *,
    name: str | None = None,
    client: str = CLIENT,
    active_sheet: int = 0,
    overrides: Mapping[str, Mapping[str, object]] | None = None,
    notes: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The JSON an Office.js add-in posts for a script run on the workbook at ``path``.

    ``overrides`` maps a sheet name to {A1 reference: value} and stands for
    unsaved edits: what Excel sends is the live grid, not the file.
    ``notes`` lists cells that already carry a note, by sheet.
    """
    values, tables = _read(path, config)
    for sheet_name, cells in (overrides or {}).items():
        grid = values[sheet_name]
        for ref, value in cells.items():
            _set(grid, ref, json_value(value))
    sheets = []
    for sheet_name, grid in values.items():
        sheet: dict[str, Any] = {
            "name": sheet_name,
            "values": grid,
            "pictures": [],
            "tables": tables.get(sheet_name, []),
            "visibility": "Visible",
        }
        if client == CLIENT:
            sheet["notes"] = [{"address": ref} for ref in (notes or {}).get(sheet_name, [])]
            sheet["notes_supported"] = True
            sheet["shapes"] = []
        sheets.append(sheet)
    return {
        "client": client,
        "version": xw.__version__,
        "book": {"name": name or path.name, "active_sheet_index": active_sheet, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def _set(grid: list[list[object]], ref: str, value: object) -> None:
    row, col = parse_a1(ref)
    width = max((len(r) for r in grid), default=0)
    while len(grid) <= row:
        grid.append([""] * width)
    if col >= width:
        for r in grid:
            r.extend([""] * (col + 1 - len(r)))
    grid[row][col] = value


def book_from(payload_json: dict[str, Any]) -> xw.Book:
    """``xw.Book(json=...)``, as xlwings Server builds it for each request.

    A deep copy: the remote book updates the dictionaries it was given as the
    script runs (sheets added, notes listed), and a test's payload must stay
    what Excel sent.
    """
    book: xw.Book = xw.Book(json=copy.deepcopy(payload_json))
    return book


def run_script(name: str, book: xw.Book, module: ModuleType = macros) -> xw.Book:
    """Run the ``@xw.script`` ``name`` on ``book`` as xlwings Server does; returns the book."""
    returned = asyncio.run(server.custom_scripts_call(module, name, typehint_to_value={xw.Book: book}))
    same = returned is book  # the script wrapper hands back the injected book
    assert same
    return book


# --- Reading the actions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """One action of ``book.json()``, with its sheet name and A1 address resolved."""

    func: str
    sheet: str | None
    address: str | None
    args: list[Any]
    values: Any


def actions(book: xw.Book, sheet_names: Sequence[str] | None = None) -> list[Action]:
    """The book's actions; sheet positions are resolved against ``sheet_names``
    (default: the book's sheets after the run, right when sheets are only added at the end)."""
    names = list(sheet_names) if sheet_names is not None else [s.name for s in book.sheets]
    found: list[Action] = []
    for raw in book.json()["actions"]:
        position = raw.get("sheet_position")
        sheet = names[position] if position is not None and position < len(names) else None
        address = None
        if raw.get("start_row") is not None:
            top, left = raw["start_row"], raw["start_column"]
            address = a1(top, left)
            if (raw.get("row_count") or 1) > 1 or (raw.get("column_count") or 1) > 1:
                address += ":" + a1(top + raw["row_count"] - 1, left + raw["column_count"] - 1)
        found.append(Action(raw["func"], sheet, address, raw["args"], raw.get("values")))
    return found


def of(found: Iterable[Action], func: str) -> list[Action]:
    return [action for action in found if action.func == func]


# --- Excel's side, for a second run ---------------------------------------------------------------

_LINK_TEXT = re.compile(r'^=HYPERLINK\("(?:[^"]|"")*","((?:[^"]|"")*)"\)$')


def _shown(value: object) -> object:
    """What a cell shows after Excel applied a value or formula written by the macros."""
    if isinstance(value, str):
        link = _LINK_TEXT.match(value)
        if link:
            return link.group(1).replace('""', '"')
        if value.startswith("'"):
            return value[1:]  # the apostrophe prefix is not part of the value
    return "" if value is None else value


def applied(payload_json: dict[str, Any], book: xw.Book) -> dict[str, Any]:
    """The payload Excel would send next time, after applying ``book``'s actions.

    Only what the macros use is applied: sheets added, cleared and deleted,
    values and formulas written, notes added and deleted (fills are not part
    of the payload).
    """
    sheets: list[dict[str, Any]] = [dict(sheet, values=[list(r) for r in sheet["values"]],
                                         notes=list(sheet.get("notes", [])))
                                    for sheet in payload_json["sheets"]]
    for action in book.json()["actions"]:
        func, position = action["func"], action["sheet_position"]
        if func == "addSheet":
            index, name = action["args"]
            sheets.insert(index, {"name": name, "values": [[]], "pictures": [], "tables": [],
                                  "notes": [], "notes_supported": True, "visibility": "Visible"})
        elif func == "sheetDelete":
            del sheets[position]
        elif func == "sheetClear":
            sheets[position]["values"] = [[]]
            sheets[position]["notes"] = []
        elif func in ("setValues", "setFormula"):
            grid = sheets[position]["values"]
            for r, row in enumerate(action["values"]):
                for c, cell in enumerate(row):
                    _set(grid, a1(action["start_row"] + r, action["start_column"] + c), _shown(cell))
        elif func == "addNote":
            sheets[position]["notes"].append({"address": action["args"][0]})
        elif func == "deleteNote":
            key = action["args"][0].replace("$", "")
            sheets[position]["notes"] = [n for n in sheets[position]["notes"]
                                         if n["address"].replace("$", "") != key]
    for sheet in sheets:  # Excel sends rectangular values
        width = max((len(row) for row in sheet["values"]), default=0)
        sheet["values"] = [row + [""] * (width - len(row)) for row in sheet["values"]] or [[]]
    return {**payload_json, "sheets": sheets}
