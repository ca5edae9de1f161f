"""Drive a real headless LibreOffice Calc from pytest.

The project's interpreter cannot ``import uno``, so the work is done by
``_lo_bridge.py`` (next to this file), run as a subprocess with a Python that
can (on Debian: ``/usr/bin/python3`` from ``python3-uno``).  The bridge starts
``soffice`` with a private profile and a private named pipe, answers JSON
requests, and always terminates LibreOffice when it exits.  Documents are
copied to a private folder before LibreOffice opens them, so the original
file is never locked or modified.

Typical use::

    from tests.support.libreoffice import read_cells, require_libreoffice

    def test_budget(tmp_path):
        require_libreoffice()
        book = build_workbook(tmp_path / "budget.xlsx")
        snap = read_cells(book, {"Budget": ["A1:K20"]})
        assert snap.cell("Budget", "D2").value == 100.0
        assert snap.cell("Budget", "G2").error_name == "#DIV/0!"

Each module-level function starts (and stops) one LibreOffice, about 1.5 to
2.5 s.  To share one LibreOffice between many tests, use a session::

    @pytest.fixture(scope="module")
    def lo() -> Iterator[LibreOfficeSession]:
        require_libreoffice()
        with LibreOfficeSession() as session:
            yield session

    def test_x(lo, tmp_path):
        snap = lo.read_cells(path, {"Budget": ["A1:D10"]}, used=["Summary"])

Values are what LibreOffice computes after ``calculateAll()``; LibreOffice's
results can differ from Excel's for some functions, so keep assertions to the
behaviour the project actually relies on.  ``LoCell.formula`` is in
LibreOffice's own notation (``;`` between arguments, ``$Sheet.A1`` for other
sheets), not Excel's.

Observed with LibreOffice 7.4 (Debian 12), worth knowing when writing tests:

* Without ``calculateAll()`` the values are the ones cached in the file (0 for
  every XlsxWriter formula); every request here recalculates unless told not to.
* Structured references work in the stored form
  ``tblBudget[[#This Row],[Actual]]``; the ``[@Actual]`` shorthand does not:
  ``=tbl[@A]`` in a cell gives #NAME?, and an XlsxWriter table column formula
  written as ``=[@A]*[@B]`` (stored as ``[[#This Row],A]*...``) gives Err:507.
* VBA modules of an .xlsm land in a ``VBAProject`` library in VBA mode (LibreOffice
  prepends ``Option VBASupport 1``).  ``Workbook_Open`` does not run when the
  document is loaded hidden.  A compile error in any module (even ``x = 1 / 0``)
  stops every procedure of the library, silently; a runtime error is swallowed by
  LibreOffice -- :meth:`LibreOfficeSession.process` reports both (``trap_errors``).
* Displayed texts (``LoCell.text``) use the C/en-US locale: ``02/01/24`` for a
  date from ``DATE()``, 15 significant digits for the General format.

Tests that need LibreOffice can carry ``@pytest.mark.libreoffice`` (declared in
``pyproject.toml``) in addition to calling :func:`require_libreoffice`.

Environment variables: ``LIBREOFFICE_SOFFICE`` and ``LIBREOFFICE_PYTHON``
override the soffice binary and the uno-capable Python; ``CI=true`` turns the
skip of :func:`require_libreoffice` into a failure.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import pytest

__all__ = [
    "ERROR_NAMES",
    "LibreOfficeError",
    "LibreOfficeSession",
    "LoCell",
    "MacroRun",
    "Snapshot",
    "UsedArea",
    "convert_to_pdf",
    "libreoffice_available",
    "libreoffice_session",
    "pdf_page_png",
    "read_cells",
    "read_used_range",
    "require_libreoffice",
    "run_macro",
]

BRIDGE = Path(__file__).with_name("_lo_bridge.py")

#: Seconds allowed for one request (open, recalculate, run macros, read, export).
DEFAULT_TIMEOUT = 120.0
#: Seconds the bridge keeps retrying to connect to a starting soffice.
CONNECT_TIMEOUT = 60.0

_SOFFICE_CANDIDATES = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)
_PYTHON_CANDIDATES = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python")

#: Excel names for LibreOffice formula error codes (``XCell.getError()``), as
#: observed with LibreOffice 7.4.  Calc itself shows some of these differently
#: (``SQRT(-1)`` gives 502 and displays ``Err:502``); codes not listed here
#: (e.g. 522, circular reference, displayed ``Err:522``) fall back to the
#: displayed text in :attr:`LoCell.error_name`.
ERROR_NAMES: dict[int, str] = {
    502: "#NUM!",  # invalid argument, e.g. SQRT(-1); Calc displays "Err:502"
    503: "#NUM!",  # numeric overflow, e.g. 10^400
    519: "#VALUE!",  # wrong data type, e.g. "abc"+1
    524: "#REF!",  # invalid reference (also a missing table totals row)
    525: "#NAME?",  # unknown function or name
    532: "#DIV/0!",
    32767: "#N/A",  # NA(), failed lookups
}

CellType = Literal["EMPTY", "VALUE", "TEXT", "FORMULA"]
ResultType = Literal["EMPTY", "VALUE", "TEXT", "ERROR"]


class LibreOfficeError(RuntimeError):
    """LibreOffice or the bridge failed.

    ``stderr`` holds the bridge's log (soffice's own output included), ``traceback``
    the bridge's Python traceback when a request failed inside it.
    """

    def __init__(self, message: str, stderr: str = "", traceback: str = "") -> None:
        details = message
        if traceback:
            details += "\n--- bridge traceback ---\n" + traceback.rstrip()
        if stderr.strip():
            details += "\n--- bridge stderr (last 4000 chars) ---\n" + stderr[-4000:].rstrip()
        super().__init__(details)
        self.message = message
        self.stderr = stderr
        self.traceback = traceback


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoCell:
    """One cell as LibreOffice sees it after recalculation.

    ``type`` is the content (``XCell.getType()``); ``result`` is what a formula
    produced.  ``value`` is the number for numeric cells and numeric formula
    results (dates are serial numbers, booleans 1.0/0.0), else None.  ``text``
    is the displayed string (``getString()``: ``"#DIV/0!"`` for that error),
    ``formula`` is ``getFormula()`` in LibreOffice notation (the constant
    itself for non-formula cells), ``error`` the ``getError()`` code, 0 if none.
    """

    address: str
    type: CellType
    result: ResultType
    value: float | None
    text: str
    formula: str
    error: int

    @property
    def is_empty(self) -> bool:
        """True for a cell with no content at all."""
        return self.type == "EMPTY"

    @property
    def is_formula(self) -> bool:
        """True when the cell holds a formula."""
        return self.type == "FORMULA"

    @property
    def is_error(self) -> bool:
        """True when a formula evaluated to an error (``error`` is then its code)."""
        return self.result == "ERROR"

    @property
    def error_name(self) -> str | None:
        """Excel-style name of the error (``"#DIV/0!"``, ``"#N/A"``); None without an error."""
        if not self.is_error:
            return None
        return ERROR_NAMES.get(self.error, self.text or f"Err:{self.error}")

    @property
    def python_value(self) -> float | str | None:
        """The number for numeric results, the text for text results, else None."""
        if self.result == "VALUE":
            return self.value
        if self.result == "TEXT":
            return self.text
        return None


Grid = list[list[LoCell]]


@dataclass(frozen=True)
class UsedArea:
    """A sheet's used area, read from A1 so that ``cells[r][c]`` is row r+1, column c+1."""

    sheet: str
    address: str  #: e.g. "A1:F12"
    used_from: str  #: top-left cell of the used area proper, e.g. "B3"
    cells: Grid


@dataclass(frozen=True)
class MacroRun:
    """A macro that was run: its script URL, what it returned, and how long it took."""

    macro: str
    returned: Any
    seconds: float


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _split_a1(address: str) -> tuple[int, int]:
    """``"B12"`` -> (column 1, row 11), zero-based; ``$`` signs are ignored."""
    text = address.replace("$", "").strip().upper()
    letters = "".join(ch for ch in text if ch.isalpha())
    digits = text[len(letters) :]
    if not letters or not digits.isdigit() or text != letters + digits:
        raise ValueError(f"not a single-cell A1 address: {address!r}")
    return _column_index(letters), int(digits) - 1


def _grid_origin(grid: Grid) -> tuple[int, int]:
    return _split_a1(grid[0][0].address)


@dataclass
class Snapshot:
    """Everything read from one opened document.

    ``ranges[sheet][requested_range]`` is the 2-D grid (rows of :class:`LoCell`)
    of each range asked for, ``used[sheet]`` each used area asked for.
    """

    path: Path
    sheet_names: list[str]
    ranges: dict[str, dict[str, Grid]] = field(default_factory=dict)
    used: dict[str, UsedArea] = field(default_factory=dict)
    macros: list[MacroRun] = field(default_factory=list)
    #: Basic libraries in the document and their modules (only when requested / after macros).
    basic_libraries: dict[str, list[str]] = field(default_factory=dict)
    #: Source of each Basic module, ``basic_sources[library][module]``.
    basic_sources: dict[str, dict[str, str]] = field(default_factory=dict)
    #: ``doc.BasicLibraries.VBACompatibilityMode`` (None when not asked).
    vba_compatibility_mode: bool | None = None
    pdf: Path | None = None
    #: Seconds spent in load / recalc / read / pdf / total, as measured by the bridge.
    timings: dict[str, float] = field(default_factory=dict)

    def grid(self, sheet: str, address: str) -> Grid:
        """The grid of a range exactly as it was requested (e.g. ``"A1:K20"``)."""
        try:
            return self.ranges[sheet][address]
        except KeyError:
            raise KeyError(f"range {sheet}!{address} was not read; read: {self._read_summary()}") from None

    def cell(self, sheet: str, address: str) -> LoCell:
        """One cell, looked up in any range or used area read from ``sheet``."""
        col, row = _split_a1(address)
        grids = list(self.ranges.get(sheet, {}).values())
        if sheet in self.used:
            grids.append(self.used[sheet].cells)
        for grid in grids:
            if not grid or not grid[0]:
                continue
            c0, r0 = _grid_origin(grid)
            if r0 <= row < r0 + len(grid) and c0 <= col < c0 + len(grid[0]):
                return grid[row - r0][col - c0]
        raise KeyError(f"cell {sheet}!{address} was not read; read: {self._read_summary()}")

    def value(self, sheet: str, address: str) -> float | str | None:
        """Shortcut for ``cell(sheet, address).python_value``."""
        return self.cell(sheet, address).python_value

    def values(self, sheet: str, address: str) -> list[list[float | str | None]]:
        """``python_value`` of every cell of a requested range."""
        return [[c.python_value for c in row] for row in self.grid(sheet, address)]

    def _read_summary(self) -> str:
        parts = [f"{s}!{a}" for s, ranges in self.ranges.items() for a in ranges]
        parts += [f"{s}!{u.address} (used)" for s, u in self.used.items()]
        return ", ".join(parts) or "nothing"


def _cell_from_json(raw: Mapping[str, Any]) -> LoCell:
    value = raw.get("value")
    return LoCell(
        address=str(raw["address"]),
        type=raw["type"],
        result=raw["result"],
        value=None if value is None else float(value),
        text=str(raw.get("text", "")),
        formula=str(raw.get("formula", "")),
        error=int(raw.get("error", 0)),
    )


def _grid_from_json(rows: Sequence[Sequence[Mapping[str, Any]]]) -> Grid:
    return [[_cell_from_json(c) for c in row] for row in rows]


def _snapshot_from_json(path: Path, raw: Mapping[str, Any]) -> Snapshot:
    snap = Snapshot(path=path, sheet_names=list(raw.get("sheets", [])))
    for sheet, ranges in (raw.get("ranges") or {}).items():
        snap.ranges[sheet] = {addr: _grid_from_json(r["cells"]) for addr, r in ranges.items()}
    for sheet, area in (raw.get("used") or {}).items():
        snap.used[sheet] = UsedArea(
            sheet=sheet,
            address=str(area["address"]),
            used_from=str(area.get("used_from", "A1")),
            cells=_grid_from_json(area["cells"]),
        )
    snap.macros = [
        MacroRun(macro=str(m["macro"]), returned=m.get("return"), seconds=float(m.get("seconds", 0.0)))
        for m in raw.get("macros") or []
    ]
    basic = raw.get("basic")
    if basic:
        snap.basic_libraries = {k: list(v) for k, v in basic.get("libraries", {}).items()}
        snap.basic_sources = {k: dict(v) for k, v in basic.get("sources", {}).items()}
        mode = basic.get("vba_compatibility_mode")
        snap.vba_compatibility_mode = None if mode is None else bool(mode)
    if raw.get("pdf"):
        snap.pdf = Path(raw["pdf"])
    snap.timings = {k: float(v) for k, v in (raw.get("timings") or {}).items()}
    return snap


# ---------------------------------------------------------------------------
# Availability
# ---------------------------------------------------------------------------


def _find_soffice() -> str | None:
    override = os.environ.get("LIBREOFFICE_SOFFICE")
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    return next((c for c in _SOFFICE_CANDIDATES if os.access(c, os.X_OK)), None)


def _python_can_import_uno(python: str) -> bool:
    try:
        proc = subprocess.run(
            [python, "-I", "-c", "import uno"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
            env=_clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def _find_uno_python() -> tuple[str | None, str]:
    """Return (python, "") or (None, reason)."""
    return _probe_uno_python(os.environ.get("LIBREOFFICE_PYTHON") or None)


@functools.lru_cache(maxsize=4)
def _probe_uno_python(override: str | None) -> tuple[str | None, str]:
    candidates = (override,) if override else _PYTHON_CANDIDATES
    tried = []
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            if _python_can_import_uno(candidate):
                return candidate, ""
            tried.append(f"{candidate} cannot import uno")
        elif candidate:
            tried.append(f"{candidate} not found")
    return None, "; ".join(tried) + " (on Debian: apt-get install python3-uno)"


def libreoffice_available() -> str | None:
    """None when LibreOffice can be driven, else a human-readable reason why not."""
    if _find_soffice() is None:
        return "soffice not found (install libreoffice-calc-nogui, or set LIBREOFFICE_SOFFICE)"
    python, reason = _find_uno_python()
    if python is None:
        return reason
    if not BRIDGE.is_file():
        return f"bridge script missing: {BRIDGE}"
    return None


def require_libreoffice() -> None:
    """Skip the calling test when LibreOffice is unusable; fail instead when ``CI=true``."""
    reason = libreoffice_available()
    if reason is None:
        return
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"LibreOffice is required on CI: {reason}", pytrace=False)
    pytest.skip(f"LibreOffice not available: {reason}")


def _clean_env() -> dict[str, str]:
    """The environment for the system Python: without the venv's Python settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    env.pop("__PYVENV_LAUNCHER__", None)
    return env


# ---------------------------------------------------------------------------
# Session
# ---------------------------------------------------------------------------

_LIVE_SESSIONS: weakref.WeakSet[LibreOfficeSession] = weakref.WeakSet()


@atexit.register
def _close_live_sessions() -> None:
    for session in list(_LIVE_SESSIONS):
        session.close()


def _group_members(pgid: int, *, name: str) -> list[int]:
    """PIDs in process group ``pgid`` whose command name is ``name`` (Linux /proc)."""
    found = []
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            comm = stat[stat.find("(") + 1 : stat.rfind(")")]
            fields = stat[stat.rfind(")") + 2 :].split()
            if comm == name and len(fields) > 2 and int(fields[2]) == pgid:
                found.append(int(entry.name))
    return found


ReadSpec = Mapping[str, Sequence[str] | str]


def _normalise_read(read: ReadSpec | None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for sheet, ranges in (read or {}).items():
        out[sheet] = [ranges] if isinstance(ranges, str) else list(ranges)
    return out


class LibreOfficeSession:
    """One running soffice (behind one bridge process), reused for many documents.

    Use as a context manager, or call :meth:`close`.  Every request opens the
    document afresh (from a private copy) and closes it again, so documents do
    not influence each other; only the startup cost is shared.  Not thread-safe.
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        reason = libreoffice_available()
        if reason is not None:
            raise LibreOfficeError(f"LibreOffice is not available: {reason}")
        soffice = _find_soffice()
        python, _ = _find_uno_python()
        assert soffice is not None and python is not None
        self.timeout = timeout
        self._stderr_file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - closed in _finish
            prefix="lo_bridge_stderr_"
        )
        self._final_stderr = ""
        # Private folder for the bridge (profile, document copies); removed on close.
        self._workdir = Path(tempfile.mkdtemp(prefix="lo_session_"))
        self._buffer = b""
        started = time.monotonic()
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [
                python,
                "-I",
                str(BRIDGE),
                "--soffice",
                soffice,
                "--connect-timeout",
                str(connect_timeout),
                "--workdir",
                str(self._workdir),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            env=_clean_env(),
            start_new_session=True,  # own process group: soffice included, killed as one
        )
        _LIVE_SESSIONS.add(self)
        try:
            ready = self._read_message(connect_timeout + 30.0)
        except BaseException:
            self.close()
            raise
        if not ready.get("ok"):
            stderr = self._stderr()
            self.close()
            raise LibreOfficeError(str(ready.get("error", "bridge failed to start")), stderr)
        #: Seconds from launching the bridge until LibreOffice accepted the connection.
        self.startup_seconds = time.monotonic() - started
        self.soffice_pid: int | None = ready.get("soffice_pid")

    # -- plumbing -----------------------------------------------------------

    def __enter__(self) -> LibreOfficeSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _stderr(self) -> str:
        if self._stderr_file.closed:
            return self._final_stderr
        try:
            self._stderr_file.flush()
            self._stderr_file.seek(0)
            return self._stderr_file.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def _read_message(self, timeout: float) -> dict[str, Any]:
        proc = self._proc
        if proc is None or proc.stdout is None:
            raise LibreOfficeError("the LibreOffice session is closed")
        deadline = time.monotonic() + timeout
        fd = proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    stderr = self._stderr()
                    self._kill()
                    raise LibreOfficeError(
                        f"no answer from the LibreOffice bridge within {timeout:.0f} s; "
                        "killed it and its soffice",
                        stderr,
                    )
                if not sel.select(remaining):
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    try:
                        code = proc.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        code = None
                    stderr = self._stderr()
                    self._kill()
                    raise LibreOfficeError(
                        f"the LibreOffice bridge exited unexpectedly (exit code {code})", stderr
                    )
                self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        message: dict[str, Any] = json.loads(line.decode("utf-8"))
        return message

    def _request(self, request: Mapping[str, Any], timeout: float | None = None) -> dict[str, Any]:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise LibreOfficeError("the LibreOffice session is closed")
        try:
            proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            stderr = self._stderr()
            self._kill()
            raise LibreOfficeError(f"the LibreOffice bridge is gone ({exc})", stderr) from exc
        answer = self._read_message(self.timeout if timeout is None else timeout)
        if not answer.get("ok"):
            raise LibreOfficeError(
                str(answer.get("error", "unknown error")),
                self._stderr(),
                str(answer.get("traceback", "")),
            )
        return answer

    def _kill(self) -> None:
        """Stop a stuck bridge without leaving zombies.

        soffice.bin is killed first, while its parent (oosplash, the bridge's
        child) is alive to reap it; the bridge's pending UNO call then fails,
        and on end of input it stops and exits.  Whatever is still there
        after that is killed as a process group.  (Killing the whole group at
        once orphans soffice.bin, and an init that does not reap orphans --
        as in some containers -- keeps it as a zombie.)
        """
        proc = self._proc
        if proc is None:
            return
        for pid in _group_members(proc.pid, name="soffice.bin"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if proc.stdin is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        self._finish()

    def _finish(self) -> None:
        proc = self._proc
        self._proc = None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()
        if not self._stderr_file.closed:
            self._final_stderr = self._stderr()
            self._stderr_file.close()
        shutil.rmtree(self._workdir, ignore_errors=True)
        _LIVE_SESSIONS.discard(self)

    def close(self) -> None:
        """Stop LibreOffice (politely, then by killing the process group). Safe to call twice."""
        proc = self._proc
        if proc is None:
            return
        try:
            if proc.stdin is not None and proc.poll() is None:
                proc.stdin.write(b'{"op": "quit"}\n')
                proc.stdin.flush()
                proc.stdin.close()
            proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            pass
        # Whatever is left in the bridge's process group (a hung soffice.bin) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        self._finish()

    @property
    def stderr(self) -> str:
        """Everything the bridge and soffice wrote to stderr so far."""
        return self._stderr()

    # -- operations ---------------------------------------------------------

    def process(
        self,
        path: str | os.PathLike[str],
        *,
        read: ReadSpec | None = None,
        used: Sequence[str] | Literal["*"] = (),
        macros: Sequence[str | tuple[str, Sequence[Any]]] = (),
        pdf: str | os.PathLike[str] | None = None,
        list_macros: bool = False,
        trap_errors: bool = True,
        macros_enabled: bool = True,
        recalc: bool = True,
        timeout: float | None = None,
    ) -> Snapshot:
        """Open ``path`` once and do everything asked, in this order.

        Recalculate (``calculateAll``), run ``macros`` (each a macro name such as
        ``"VBAProject.Module1.SelfTest"``, a full ``vnd.sun.star.script:`` URL, or a
        ``(name, args)`` pair; each is followed by another ``calculateAll``), read
        ``read`` (``{sheet: ["A1:K20", "B3"]}``) and the used areas of ``used``
        (sheet names, or ``"*"`` for all), and export ``pdf`` (a file path).
        ``macros_enabled=False`` opens with macros disabled (then nothing in the
        document can run, and cells calling VBA functions give error 519, #VALUE!).

        A macro named ``Library.Module.Procedure`` runs through a temporary wrapper
        module (``trap_errors=True``) so that a Basic runtime error, or a library
        that does not compile, raises :class:`LibreOfficeError` instead of passing
        silently, which is what LibreOffice does on its own.  The procedure's return
        value is in ``Snapshot.macros``.  Objects cannot be returned (they come back
        as their ``repr``); with ``trap_errors=False`` the macro is invoked directly.
        """
        source = Path(path).resolve()
        if not source.is_file():
            raise FileNotFoundError(source)
        runs: list[dict[str, Any]] = []
        for macro in macros:
            if isinstance(macro, str):
                runs.append({"macro": macro, "args": [], "trap_errors": trap_errors})
            else:
                runs.append({"macro": macro[0], "args": list(macro[1]), "trap_errors": trap_errors})
        request = {
            "op": "process",
            "path": str(source),
            "macros_enabled": macros_enabled,
            "recalc": recalc,
            "run": runs,
            "read": _normalise_read(read),
            "used": used if used == "*" else list(used),
            "pdf": None if pdf is None else str(Path(pdf).resolve()),
            "list_macros": list_macros or bool(runs),
        }
        return _snapshot_from_json(source, self._request(request, timeout))

    def read_cells(
        self,
        path: str | os.PathLike[str],
        read: ReadSpec,
        *,
        used: Sequence[str] | Literal["*"] = (),
    ) -> Snapshot:
        """Recalculate and read ``read`` (``{sheet: [A1 ranges]}``), plus optional used areas."""
        return self.process(path, read=read, used=used)

    def read_used_range(self, path: str | os.PathLike[str], sheet: str) -> UsedArea:
        """Recalculate and read the used area of ``sheet`` (from A1 to its last used cell)."""
        return self.process(path, used=[sheet]).used[sheet]

    def run_macro(
        self,
        path: str | os.PathLike[str],
        macro: str,
        read: ReadSpec | None = None,
        *,
        args: Sequence[Any] = (),
        used: Sequence[str] | Literal["*"] = (),
    ) -> Snapshot:
        """Run a document macro (VBA code runs in LibreOffice's VBA mode), recalculate, read cells.

        The snapshot also lists the document's Basic libraries and modules.
        """
        return self.process(path, read=read, used=used, macros=[(macro, args)])

    def convert_to_pdf(self, path: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> Path:
        """Recalculate and export to ``out_dir/<stem>.pdf``; returns that path."""
        target = Path(out_dir) / (Path(path).stem + ".pdf")
        snap = self.process(path, pdf=target)
        assert snap.pdf is not None
        if not snap.pdf.is_file() or snap.pdf.stat().st_size == 0:
            raise LibreOfficeError(f"LibreOffice reported a PDF export but {snap.pdf} is missing or empty")
        return snap.pdf


# ---------------------------------------------------------------------------
# One-shot helpers (one LibreOffice each)
# ---------------------------------------------------------------------------


def read_cells(
    path: str | os.PathLike[str],
    read: ReadSpec,
    *,
    used: Sequence[str] | Literal["*"] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> Snapshot:
    """Open ``path`` in a fresh LibreOffice, recalculate, and read ``{sheet: [A1 ranges]}``."""
    with LibreOfficeSession(timeout=timeout) as session:
        return session.read_cells(path, read, used=used)


def read_used_range(
    path: str | os.PathLike[str], sheet: str, *, timeout: float = DEFAULT_TIMEOUT
) -> UsedArea:
    """Open ``path`` in a fresh LibreOffice, recalculate, and read the used area of ``sheet``."""
    with LibreOfficeSession(timeout=timeout) as session:
        return session.read_used_range(path, sheet)


def run_macro(
    path: str | os.PathLike[str],
    macro: str,
    read: ReadSpec | None = None,
    *,
    args: Sequence[Any] = (),
    used: Sequence[str] | Literal["*"] = (),
    timeout: float = DEFAULT_TIMEOUT,
) -> Snapshot:
    """Open ``path`` in a fresh LibreOffice, run ``macro``, recalculate and read cells.

    ``macro`` is e.g. ``"VBAProject.Module1.SelfTest"`` (library.module.procedure).
    """
    with LibreOfficeSession(timeout=timeout) as session:
        return session.run_macro(path, macro, read, args=args, used=used)


def convert_to_pdf(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Convert a workbook to ``out_dir/<stem>.pdf`` (after recalculation) in a fresh LibreOffice."""
    with LibreOfficeSession(timeout=timeout) as session:
        return session.convert_to_pdf(path, out_dir)


def pdf_page_png(
    pdf: str | os.PathLike[str],
    page: int = 1,
    out: str | os.PathLike[str] | None = None,
    *,
    dpi: int = 60,
    timeout: float = 60.0,
) -> Path:
    """Render one page of a PDF to PNG with poppler's ``pdftoppm``; returns the PNG path.

    ``out`` defaults to ``<pdf stem>-p<page>.png`` beside the PDF.
    """
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise LibreOfficeError("pdftoppm not found (apt-get install poppler-utils)")
    pdf_path = Path(pdf)
    target = Path(out) if out is not None else pdf_path.with_name(f"{pdf_path.stem}-p{page}.png")
    prefix = target.with_suffix("")
    proc = subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf_path),
            str(prefix),
        ],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    produced = prefix.with_suffix(".png")
    if proc.returncode != 0 or not produced.is_file():
        raise LibreOfficeError(
            f"pdftoppm failed on {pdf_path} page {page} (exit {proc.returncode})",
            proc.stderr.decode("utf-8", "replace"),
        )
    if produced != target:
        produced.replace(target)
    return target


@pytest.fixture(scope="session")
def libreoffice_session() -> Iterator[LibreOfficeSession]:
    """Pytest fixture: one LibreOffice for the whole test session.

    Skips (or fails on CI) through :func:`require_libreoffice`.  Make it visible
    with ``from tests.support.libreoffice import libreoffice_session`` in a
    ``conftest.py``.
    """
    require_libreoffice()
    with LibreOfficeSession() as session:
        yield session
