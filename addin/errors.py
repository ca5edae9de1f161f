"""Hard failures: the file (or the configuration) cannot be used at all.

Problems *inside* a workbook are :class:`addin.issues.Issue` records, not
exceptions. These exceptions are for the few causes that stop work on a whole
file, split by cause so that callers can say the right thing:

* :class:`NotAWorkbook` -- the content is not an Excel workbook (old ``.xls``,
  CSV or HTML renamed, empty, corrupt or truncated zip).
* :class:`EncryptedWorkbook` -- password-protected and no (right) password.
* :class:`UnsafeWorkbook` -- refused before parsing: XML entities, zip bomb,
  oversized sheet. ``limit`` names which limit was hit.
* :class:`ReaderStopped` -- reading the file stopped the process reading it
  (killed for memory, or a crash in the reader), or failed in a way this
  project did not foresee (a defect: the message asks for a report).
* :class:`ConfigError` -- the organisation configuration is wrong.
* :class:`EnvironmentProblem` -- this installation is unsafe to run (for
  example openpyxl without defusedxml).

Messages never contain cell values: they may end up in logs, and payroll
figures must not.
"""

from __future__ import annotations

from pathlib import Path


class BackofficeError(Exception):
    """Base of every hard failure the project reports to a person."""


class WorkbookError(BackofficeError):
    """A workbook file cannot be read. ``path`` is the file concerned."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")


class NotAWorkbook(WorkbookError):
    """The file's content is not an Excel .xlsx/.xlsm workbook."""


class ReaderStopped(WorkbookError):
    """Reading the workbook stopped its reader process, or failed unexpectedly."""


class EncryptedWorkbook(WorkbookError):
    """The workbook is password-protected and could not be opened."""


class UnsafeWorkbook(WorkbookError):
    """The workbook was refused before parsing; ``limit`` names the check."""

    def __init__(self, path: Path | str, message: str, limit: str) -> None:
        self.limit = limit
        super().__init__(path, message)


class ConfigError(BackofficeError):
    """The organisation configuration file is missing or invalid."""


class EnvironmentProblem(BackofficeError):
    """This Python environment is not safe to process workbooks with."""
