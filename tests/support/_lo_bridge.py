#!/usr/bin/python3
"""Bridge between the test suite and a headless LibreOffice, over UNO.

This file is NOT imported by the tests.  It is executed as a separate
process by :mod:`tests.support.libreoffice` with a Python interpreter that
can ``import uno`` (on Debian: ``/usr/bin/python3`` with ``python3-uno``),
because the project's virtualenv interpreter cannot.  It uses only the
standard library and ``uno``.

Protocol (one JSON document per line, UTF-8):

* The bridge starts ``soffice`` with a private profile and a private UNO
  pipe, connects to it, and writes ``{"ok": true, "event": "ready", ...}``.
  If it cannot, it writes ``{"ok": false, "error": ...}`` and exits 1.
* It then reads requests from stdin, one per line, and writes exactly one
  response line per request (``{"ok": true, ...}`` or
  ``{"ok": false, "error": ..., "traceback": ...}``).
* On end of input, on ``{"op": "quit"}``, or on SIGTERM/SIGINT/SIGHUP it
  terminates LibreOffice (politely, then by force) and exits.

Requests (``op``):

``ping``
    Answers ``{"ok": true}``.
``process``
    ``{"op": "process", "path": str, "macros_enabled": bool,
    "recalc": bool, "run": [{"macro": str, "args": [...], "trap_errors": bool}],
    "read": {sheet: [A1 range, ...]}, "used": [sheet, ...] | "*",
    "pdf": str | null, "list_macros": bool, "slow_reader": bool}``.
    The document is copied into a private folder (so no lock file or
    modification ever touches the original), opened hidden, recalculated
    (``calculateAll``), the macros are run in order (each followed by a
    ``calculateAll`` when ``recalc``), the cells are read, the PDF is
    written, and the document is closed.

Protocol lines go to the real stdout only; everything else that would be
printed (LibreOffice's own chatter included) goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path
from typing import IO, Any

import uno  # type: ignore[import-not-found]  # only under the system python3

# Constants of the UNO API, spelled out so nothing else needs importing.
MACRO_EXEC_NEVER = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
MACRO_EXEC_ALWAYS_NO_WARN = 4  # com.sun.star.document.MacroExecMode.ALWAYS_EXECUTE_NO_WARN
UPDATE_DOC_NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE
FORMULA_RESULT_VALUE = 1  # com.sun.star.sheet.FormulaResult.VALUE
FORMULA_RESULT_STRING = 2  # com.sun.star.sheet.FormulaResult.STRING
FORMULA_RESULT_ERROR = 4  # com.sun.star.sheet.FormulaResult.ERROR


class _Channel:
    """The protocol stream: a duplicate of the original stdout (see _claim_stdout)."""

    stream: IO[str] | None = None


def _emit(message: dict[str, Any]) -> None:
    """Write one protocol line to the real stdout."""
    proto = _Channel.stream
    assert proto is not None
    proto.write(json.dumps(message, ensure_ascii=False, allow_nan=False, default=str) + "\n")
    proto.flush()


def _log(text: str) -> None:
    sys.stderr.write(f"[lo-bridge {os.getpid()}] {text}\n")
    sys.stderr.flush()


def _claim_stdout() -> None:
    """Keep fd 1 for the protocol; send anything else written there to stderr."""
    proto_fd = os.dup(1)
    os.dup2(2, 1)
    _Channel.stream = os.fdopen(proto_fd, "w", encoding="utf-8")
    sys.stdout = sys.stderr


# ---------------------------------------------------------------------------
# soffice process
# ---------------------------------------------------------------------------


class Office:
    """One soffice process with a private profile, reached over a named pipe."""

    def __init__(self, soffice: str, workdir: Path, connect_timeout: float) -> None:
        self.soffice = soffice
        self.workdir = workdir
        self.connect_timeout = connect_timeout
        self.profile = workdir / "profile"
        self.pipe_name = f"lo_bridge_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctx: Any = None
        self.desktop: Any = None
        self.reader: Any = None  # the in-process Basic reader, see _install_reader
        self.force_slow_reader = False
        self.ipc_sockets: list[Path] = []  # soffice's single-instance pipe, removed if killed

    def start(self) -> None:
        env = dict(os.environ)
        # Deterministic number formatting for getString(); en-US like behaviour.
        env["LC_ALL"] = "C.UTF-8"
        env["LANG"] = "C.UTF-8"
        env.pop("LANGUAGE", None)
        env["SAL_USE_VCLPLUGIN"] = "svp"  # headless rendering back end
        args = [
            self.soffice,
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            f"-env:UserInstallation={self.profile.as_uri()}",
            f"--accept=pipe,name={self.pipe_name};urp;StarOffice.ComponentContext",
        ]
        _log("starting: " + " ".join(args))
        # Same process group as this bridge (the caller kills the group if we hang);
        # stdout/stderr go to our stderr, never to the protocol channel.
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr.fileno(),
            stderr=sys.stderr.fileno(),
            env=env,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={self.pipe_name};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + self.connect_timeout
        last_error = ""
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"soffice exited with code {self.proc.returncode} before accepting "
                    f"a UNO connection (last connection error: {last_error or 'none'})"
                )
            try:
                self.ctx = resolver.resolve(url)
                break
            except Exception as exc:  # NoConnectException until soffice listens
                last_error = f"{type(exc).__name__}: {exc}"
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"could not connect to soffice over pipe {self.pipe_name!r} within "
                    f"{self.connect_timeout:.0f} s (last error: {last_error})"
                )
            time.sleep(0.25)
        self.desktop = self.ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", self.ctx
        )
        self.reader = _install_reader(self)
        self.ipc_sockets = _unix_sockets_of(self.profile.as_uri(), "SingleOfficeIPC_")

    def stop(self) -> None:
        """Terminate soffice: ask politely, then kill whatever is left."""
        connected = self.desktop is not None
        if self.desktop is not None:
            try:
                self.desktop.terminate()
            except Exception as exc:  # DisposedException: the bridge went away, which is fine
                _log(f"desktop.terminate(): {type(exc).__name__}: {exc}")
            self.desktop = None
            self.ctx = None
            self.reader = None
        proc = self.proc
        if proc is not None:
            if not connected and proc.poll() is None:
                proc.terminate()  # never got a connection: no point in waiting long
            try:
                proc.wait(timeout=15 if connected else 3)
            except subprocess.TimeoutExpired:
                _log("soffice did not exit in time; killing it")
                proc.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
        # oosplash starts soffice.bin as its own child; whatever of ours is
        # still alive is killed so nothing outlives the bridge.
        _kill_processes_using(self.profile.as_uri())
        # A killed soffice leaves its named-pipe sockets behind.
        leftovers = list(self.ipc_sockets)
        for folder in ("/tmp", "/var/tmp", tempfile.gettempdir()):
            leftovers.append(Path(folder) / f"OSL_PIPE_{os.getuid()}_{self.pipe_name}")
        for socket_path in leftovers:
            with contextlib.suppress(OSError):
                socket_path.unlink(missing_ok=True)


def _pids_using(marker: str) -> list[int]:
    """PIDs (other than this one) whose command line contains ``marker``."""
    me = os.getpid()
    needle = marker.encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _unix_sockets_of(marker: str, name_part: str) -> list[Path]:
    """Paths of listening Unix sockets, containing ``name_part``, owned by our soffice."""
    inodes: set[str] = set()
    for pid in _pids_using(marker):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        inodes.add(target[8:-1])
    paths = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/net/unix").read_text().splitlines()[1:]:
            fields = line.split()
            if len(fields) >= 8 and fields[6] in inodes and name_part in fields[7]:
                paths.append(Path(fields[7]))
    return paths


def _kill_processes_using(marker: str) -> None:
    """SIGKILL every process (other than this one) whose command line contains ``marker``.

    The marker is the private profile URL, which only the soffice processes
    started by this bridge carry (oosplash and the soffice.bin it spawns).
    """
    for pid in _pids_using(marker):
        try:
            os.kill(pid, signal.SIGKILL)
            _log(f"killed leftover soffice process {pid}")
        except OSError:
            pass


# ---------------------------------------------------------------------------
# Document handling
# ---------------------------------------------------------------------------


def _prop(name: str, value: Any) -> Any:
    pv = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    pv.Name = name
    pv.Value = value
    return pv


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


def _a1(col: int, row: int) -> str:
    return f"{_column_name(col)}{row + 1}"


_CELL_TYPES = {
    0: "EMPTY",
    1: "VALUE",
    2: "TEXT",
    3: "FORMULA",
}  # com.sun.star.table.CellContentType
_UNIT = "\x1f"
_RECORD = "\x1e"

# Reading cell by cell over the UNO pipe costs about 2 ms per cell (mostly
# creating the remote cell proxy), so reading is done in-process by this small
# Basic function, installed in the private profile's application library.  It
# returns one String (fields joined with Chr(31), cells with Chr(30)): returning
# nested Basic arrays through a script invocation crashed soffice 7.4 (SIGABRT in
# SbxArray's destructor), plain strings do not.  Numbers are not formatted by
# Basic; exact doubles come from XCellRangeData.getDataArray().
_READER_LIBRARY = "LoBridgeHelpers"
_READER_MODULE = "Reader"
_READER_SOURCE = """
Function ReadBlock(oSheet, c0, r0, c1, r1)
    Dim parts() As String
    Dim r As Long, c As Long, i As Long, k As Long
    Dim oCell As Object
    ReDim parts((r1 - r0 + 1) * (c1 - c0 + 1) - 1)
    i = 0
    For r = r0 To r1
        For c = c0 To c1
            oCell = oSheet.getCellByPosition(c, r)
            k = oCell.Type
            If k = 0 Then
                parts(i) = "0"
            ElseIf k = 3 Then
                parts(i) = "3" & Chr(31) & CStr(oCell.getError()) & Chr(31) _
                    & CStr(oCell.FormulaResultType2) & Chr(31) & oCell.getString() _
                    & Chr(31) & oCell.getFormula()
            Else
                parts(i) = CStr(k) & Chr(31) & "0" & Chr(31) & "0" & Chr(31) & oCell.getString() _
                    & Chr(31) & oCell.getFormula()
            End If
            i = i + 1
        Next c
    Next r
    ReadBlock = Join(parts, Chr(30))
End Function
"""


def _install_reader(office: Office) -> Any:
    """Install the Basic reader; return its script object, or None if that fails."""
    try:
        smgr = office.ctx.ServiceManager
        libs = smgr.createInstanceWithContext(
            "com.sun.star.script.ApplicationScriptLibraryContainer", office.ctx
        )
        if libs.hasByName(_READER_LIBRARY):
            lib = libs.getByName(_READER_LIBRARY)
        else:
            lib = libs.createLibrary(_READER_LIBRARY)
        if lib.hasByName(_READER_MODULE):
            lib.replaceByName(_READER_MODULE, _READER_SOURCE)
        else:
            lib.insertByName(_READER_MODULE, _READER_SOURCE)
        factory = smgr.createInstanceWithContext(
            "com.sun.star.script.provider.MasterScriptProviderFactory", office.ctx
        )
        provider = factory.createScriptProvider("")
        return provider.getScript(
            f"vnd.sun.star.script:{_READER_LIBRARY}.{_READER_MODULE}.ReadBlock?language=Basic&location=application"
        )
    except Exception as exc:
        _log(f"Basic fast reader unavailable, reading cell by cell: {type(exc).__name__}: {exc}")
        return None


def _cell_dict(
    col: int, row: int, kind: str, error: int, result_type: int, text: str, formula: str, data: Any
) -> dict[str, Any]:
    value: float | None = None
    result = kind
    if kind == "VALUE":
        value = float(data) if isinstance(data, (int, float)) else None
    elif kind == "FORMULA":
        if error or result_type == FORMULA_RESULT_ERROR:
            result = "ERROR"
        elif result_type == FORMULA_RESULT_STRING:
            result = "TEXT"
        else:
            result = "VALUE"
            value = float(data) if isinstance(data, (int, float)) else None
    return {
        "address": _a1(col, row),
        "type": kind,
        "result": result,
        "value": value,
        "text": text,
        "formula": formula,
        "error": error,
    }


def _read_cell_slow(cell: Any, col: int, row: int) -> dict[str, Any]:
    kind = str(cell.getType().value)
    error = 0
    result_type = 0
    if kind == "FORMULA":
        error = int(cell.getError())
        try:
            result_type = int(cell.getPropertyValue("FormulaResultType2"))
        except Exception:
            result_type = int(cell.getPropertyValue("FormulaResultType"))
    value = cell.getValue() if kind in ("VALUE", "FORMULA") else None
    return _cell_dict(
        col, row, kind, error, result_type, str(cell.getString()), str(cell.getFormula()), value
    )


def _read_block_fast(
    reader: Any, sheet: Any, c0: int, r0: int, c1: int, r1: int, data: Any
) -> list[list[dict[str, Any]]] | None:
    width = c1 - c0 + 1
    height = r1 - r0 + 1
    try:
        joined = str(reader.invoke((sheet, c0, r0, c1, r1), (), ())[0])
    except Exception as exc:
        _log(f"Basic reader failed, reading cell by cell: {type(exc).__name__}: {exc}")
        return None
    records = joined.split(_RECORD)
    if len(records) != width * height:
        return None  # a separator inside cell text: fall back
    rows: list[list[dict[str, Any]]] = []
    for i in range(height):
        out_row = []
        for j in range(width):
            fields = records[i * width + j].split(_UNIT)
            if fields == ["0"]:
                out_row.append(_cell_dict(c0 + j, r0 + i, "EMPTY", 0, 0, "", "", None))
                continue
            if len(fields) != 5:
                return None
            kind = _CELL_TYPES.get(int(fields[0]), "EMPTY")
            out_row.append(
                _cell_dict(
                    c0 + j,
                    r0 + i,
                    kind,
                    int(fields[1]),
                    int(fields[2]),
                    fields[3],
                    fields[4],
                    data[i][j],
                )
            )
        rows.append(out_row)
    return rows


def _read_block(
    office: Office, sheet: Any, start_col: int, start_row: int, end_col: int, end_row: int
) -> list[list[dict[str, Any]]]:
    if office.reader is not None and not office.force_slow_reader:
        rng = sheet.getCellRangeByPosition(start_col, start_row, end_col, end_row)
        fast = _read_block_fast(
            office.reader, sheet, start_col, start_row, end_col, end_row, rng.getDataArray()
        )
        if fast is not None:
            return fast
    rows = []
    for row in range(start_row, end_row + 1):
        rows.append(
            [
                _read_cell_slow(sheet.getCellByPosition(col, row), col, row)
                for col in range(start_col, end_col + 1)
            ]
        )
    return rows


def _sheet(doc: Any, name: str) -> Any:
    sheets = doc.getSheets()
    if not sheets.hasByName(name):
        raise KeyError(f"no sheet named {name!r}; the document has {list(sheets.getElementNames())!r}")
    return sheets.getByName(name)


def _read_range(office: Office, doc: Any, sheet_name: str, address: str) -> dict[str, Any]:
    sheet = _sheet(doc, sheet_name)
    try:
        rng = sheet.getCellRangeByName(address)
    except Exception as exc:
        raise ValueError(f"invalid range {address!r} on sheet {sheet_name!r}: {exc}") from exc
    ra = rng.getRangeAddress()
    return {
        "address": f"{_a1(ra.StartColumn, ra.StartRow)}:{_a1(ra.EndColumn, ra.EndRow)}",
        "cells": _read_block(office, sheet, ra.StartColumn, ra.StartRow, ra.EndColumn, ra.EndRow),
    }


def _read_used(office: Office, doc: Any, sheet_name: str) -> dict[str, Any]:
    """From A1 to the end of the used area (so grid[r][c] is row r+1, column c+1)."""
    sheet = _sheet(doc, sheet_name)
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    end = cursor.getRangeAddress()
    cursor.gotoStartOfUsedArea(False)
    start = cursor.getRangeAddress()
    return {
        "address": f"A1:{_a1(end.EndColumn, end.EndRow)}",
        "used_from": _a1(start.StartColumn, start.StartRow),
        "cells": _read_block(office, sheet, 0, 0, end.EndColumn, end.EndRow),
    }


def _macro_url(macro: str) -> str:
    if macro.startswith("vnd.sun.star.script:"):
        return macro
    return f"vnd.sun.star.script:{macro}?language=Basic&location=document"


# "Library.Module.Procedure", each an identifier.
_TRAPPABLE = re.compile(r"[A-Za-z_]\w*\.[A-Za-z_]\w*\.[A-Za-z_]\w*")
_TRAP_MODULE = "LoBridgeTrap"
_TRAP_OK = "LOBRIDGE-OK"
_TRAP_ERR = "LOBRIDGE-ERR"


def _run_trapped(doc: Any, macro: str, args: tuple[Any, ...]) -> Any:
    """Run a document macro through a wrapper that reports Basic errors.

    Invoking a Basic macro through the script provider swallows its runtime
    errors (LibreOffice would show them in a dialog, which headless never
    shows), and a library with a compile error anywhere in it silently runs
    nothing.  So a temporary module is added to the macro's library: it
    calls the procedure under ``On Error GoTo`` and reports success, the
    error, or -- by not answering at all -- that the library did not compile.
    """
    lib_name, module, proc = macro.split(".")
    libs = doc.BasicLibraries
    if not libs.hasByName(lib_name):
        raise RuntimeError(
            f"macro {macro}: no Basic library {lib_name!r} in the document "
            f"(libraries: {list(libs.getElementNames())!r})"
        )
    if not libs.isLibraryLoaded(lib_name):
        libs.loadLibrary(lib_name)
    lib = libs.getByName(lib_name)
    if not lib.hasByName(module):
        raise RuntimeError(
            f"macro {macro}: no module {module!r} in library {lib_name!r} "
            f"(modules: {list(lib.getElementNames())!r})"
        )
    vba = "option vbasupport 1" in str(lib.getByName(module)).lower()
    params = ", ".join(f"p{i}" for i in range(len(args)))
    source = ("Option VBASupport 1\n" if vba else "") + (
        f"Global LoBridgeValue As Variant\n"
        f"Function LoBridgeRun({params})\n"
        f"    On Error GoTo LoBridgeFailed\n"
        f"    LoBridgeValue = {module}.{proc}({params})\n"
        f'    LoBridgeRun = "{_TRAP_OK}"\n'
        f"    Exit Function\n"
        f"LoBridgeFailed:\n"
        f'    LoBridgeRun = "{_TRAP_ERR}" & Chr(31) & Err & Chr(31) & Error$\n'
        f"End Function\n"
        f"Function LoBridgeResult()\n"
        f"    LoBridgeResult = LoBridgeValue\n"
        f"End Function\n"
    )
    if lib.hasByName(_TRAP_MODULE):
        lib.removeByName(_TRAP_MODULE)
    lib.insertByName(_TRAP_MODULE, source)
    try:
        provider = doc.getScriptProvider()
        base = f"vnd.sun.star.script:{lib_name}.{_TRAP_MODULE}"
        status = provider.getScript(f"{base}.LoBridgeRun?language=Basic&location=document").invoke(
            args, (), ()
        )[0]
        if status is None:
            raise RuntimeError(
                f"macro {macro} did not run: LibreOffice could not compile Basic library "
                f"{lib_name!r}. A compile error in any module of a library stops every "
                "procedure in it, silently (e.g. a constant division such as 1 / 0)."
            )
        status = str(status)
        if status.startswith(_TRAP_ERR):
            _, number, message = [*status.split("\x1f"), "", ""][:3]
            raise RuntimeError(f"macro {macro} raised Basic runtime error {number}: {message}")
        if status != _TRAP_OK:
            raise RuntimeError(f"macro {macro}: unexpected answer from the wrapper: {status!r}")
        return provider.getScript(f"{base}.LoBridgeResult?language=Basic&location=document").invoke(
            (), (), ()
        )[0]
    finally:
        with contextlib.suppress(Exception):
            lib.removeByName(_TRAP_MODULE)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return repr(value)


def _basic_libraries(doc: Any) -> dict[str, Any]:
    libs = doc.BasicLibraries
    out: dict[str, Any] = {"libraries": {}, "sources": {}}
    try:
        out["vba_compatibility_mode"] = bool(libs.VBACompatibilityMode)
    except Exception:
        out["vba_compatibility_mode"] = None
    for lib_name in libs.getElementNames():
        try:
            if not libs.isLibraryLoaded(lib_name):
                libs.loadLibrary(lib_name)
            lib = libs.getByName(lib_name)
            modules = list(lib.getElementNames())
            out["libraries"][lib_name] = modules
            out["sources"][lib_name] = {m: str(lib.getByName(m)) for m in modules}
        except Exception as exc:
            out["libraries"][lib_name] = []
            out["sources"][lib_name] = {"<error>": f"{type(exc).__name__}: {exc}"}
    return out


def _process(office: Office, request: dict[str, Any]) -> dict[str, Any]:
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    source = Path(request["path"]).resolve()
    if not source.is_file():
        raise FileNotFoundError(f"no such file: {source}")
    # Work on a private copy: no lock file next to the original, never modified.
    scratch = Path(tempfile.mkdtemp(prefix="doc_", dir=office.workdir))
    local = scratch / source.name
    shutil.copyfile(source, local)
    macros_enabled = bool(request.get("macros_enabled", True))
    office.force_slow_reader = bool(request.get("slow_reader", False))
    load_props = (
        _prop("Hidden", True),
        _prop("MacroExecutionMode", MACRO_EXEC_ALWAYS_NO_WARN if macros_enabled else MACRO_EXEC_NEVER),
        _prop("UpdateDocMode", UPDATE_DOC_NO_UPDATE),
        _prop("ReadOnly", False),
    )
    try:
        doc = office.desktop.loadComponentFromURL(local.as_uri(), "_blank", 0, load_props)
    except Exception:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    if doc is None:
        shutil.rmtree(scratch, ignore_errors=True)
        raise RuntimeError(f"LibreOffice could not open {source} (loadComponentFromURL returned None)")
    timings["load"] = time.monotonic() - t0
    result: dict[str, Any] = {"ok": True}
    try:
        if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            raise RuntimeError(f"{source} did not open as a spreadsheet")
        recalc = bool(request.get("recalc", True))
        t = time.monotonic()
        if recalc:
            doc.calculateAll()
        timings["recalc"] = time.monotonic() - t
        result["sheets"] = list(doc.getSheets().getElementNames())
        if request.get("list_macros"):
            result["basic"] = _basic_libraries(doc)

        macro_results = []
        for item in request.get("run") or []:
            t = time.monotonic()
            macro = str(item["macro"])
            args = tuple(item.get("args") or ())
            if item.get("trap_errors", True) and _TRAPPABLE.fullmatch(macro):
                returned = _run_trapped(doc, macro, args)
            else:
                script = doc.getScriptProvider().getScript(_macro_url(macro))
                returned = script.invoke(args, (), ())[0]
            if recalc:
                doc.calculateAll()
            macro_results.append(
                {
                    "macro": _macro_url(macro),
                    "return": _jsonable(returned),
                    "seconds": time.monotonic() - t,
                }
            )
        result["macros"] = macro_results

        t = time.monotonic()
        ranges: dict[str, dict[str, Any]] = {}
        for sheet_name, addresses in (request.get("read") or {}).items():
            ranges[sheet_name] = {a: _read_range(office, doc, sheet_name, a) for a in addresses}
        result["ranges"] = ranges
        used_req = request.get("used") or []
        if used_req == "*":
            used_req = result["sheets"]
        result["used"] = {name: _read_used(office, doc, name) for name in used_req}
        timings["read"] = time.monotonic() - t

        pdf = request.get("pdf")
        if pdf:
            t = time.monotonic()
            pdf_path = Path(pdf).resolve()
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            doc.storeToURL(pdf_path.as_uri(), (_prop("FilterName", "calc_pdf_Export"),))
            result["pdf"] = str(pdf_path)
            timings["pdf"] = time.monotonic() - t
    finally:
        try:
            doc.close(True)
        except Exception as exc:
            _log(f"doc.close(): {type(exc).__name__}: {exc}")
            with contextlib.suppress(Exception):
                doc.dispose()
        shutil.rmtree(scratch, ignore_errors=True)
    timings["total"] = time.monotonic() - t0
    result["timings"] = timings
    return result


def _uno_error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    # InvocationTargetException / ScriptFrameworkErrorException wrap the real error.
    target = getattr(exc, "TargetException", None)
    if target is not None and getattr(target, "value", None) is not None:
        inner = target.value
        text += f" <- {type(inner).__name__}: {getattr(inner, 'Message', inner)}"
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--connect-timeout", type=float, default=60.0)
    parser.add_argument("--workdir", help="parent directory for the private profile and copies")
    args = parser.parse_args(argv)

    _claim_stdout()
    workdir = Path(tempfile.mkdtemp(prefix="lo_bridge_", dir=args.workdir))
    office = Office(args.soffice, workdir, args.connect_timeout)

    def _on_signal(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, _on_signal)

    try:
        t0 = time.monotonic()
        try:
            office.start()
        except Exception as exc:
            _log(traceback.format_exc())
            _emit({"ok": False, "error": f"starting LibreOffice failed: {exc}"})
            return 1
        _emit(
            {
                "ok": True,
                "event": "ready",
                "startup_seconds": time.monotonic() - t0,
                "soffice_pid": office.proc.pid if office.proc else None,
                "python": sys.version,
            }
        )
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                op = request.get("op")
                if op == "quit":
                    _emit({"ok": True, "event": "bye"})
                    break
                if op == "ping":
                    _emit({"ok": True})
                elif op == "process":
                    _emit(_process(office, request))
                else:
                    _emit({"ok": False, "error": f"unknown op {op!r}"})
            except Exception as exc:
                tb = traceback.format_exc()
                _log(tb)
                _emit({"ok": False, "error": _uno_error_text(exc), "traceback": tb})
        return 0
    finally:
        office.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
