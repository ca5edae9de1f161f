"""Opening a workbook file safely: what is it, may we parse it, and unlock it.

Files are recognised by their content, never their extension. Before any XML
is parsed, the zip directory is checked against :class:`ReadLimits` (file size,
total uncompressed size, compression ratio): a zip bomb is refused by what it
declares, not by what it does to memory. Password-protected workbooks are
recognised as such and, with a password configured for them, decrypted in
memory (the file on disk is never touched).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import msoffcrypto
import olefile
from msoffcrypto.exceptions import DecryptionError, InvalidKeyError

from addin.errors import EncryptedWorkbook, NotAWorkbook, UnsafeWorkbook
from addin.settings import ReadLimits

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
LOCK_PREFIX = "~$"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

# Below this size a part's compression ratio says nothing about a bomb.
_RATIO_FLOOR = 1024 * 1024


@dataclass(slots=True)
class WorkbookSource:
    """A workbook that passed the checks, ready for the package reader.

    ``content`` is the file's bytes as read once (decrypted, for a workbook
    with a password), and every part of the reading works on them; or, for a
    look at one small sheet, the path, from which only the parts needed are read.
    ``notes`` are things a person should know (decrypted); ``warnings`` are
    things that may make the data incomplete (open in Excel).
    """

    path: Path
    content: bytes | Path
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        """Whether the file was read whole, once (``content`` is its bytes)."""
        return isinstance(self.content, bytes)

    def open_binary(self) -> BinaryIO:
        if isinstance(self.content, bytes):
            return io.BytesIO(self.content)
        return self.content.open("rb")


def is_lock_file(path: Path) -> bool:
    """Excel's owner files (``~$Budget.xlsx``) hold no data: skipped."""
    return path.name.startswith(LOCK_PREFIX)


def open_source(
    path: Path, limits: ReadLimits, password: str | None = None, *, whole: bool = True
) -> WorkbookSource:
    """Check ``path`` and return it ready to read, or raise a :class:`WorkbookError`.

    ``whole``: read the file once, and work on those bytes (a workbook saved again
    meanwhile cannot mix two saves); without it, parts are read from the file as
    needed, which costs less for a look at the Info sheet alone (on a network
    share, a fraction of the file instead of all of it).
    """
    try:
        size = path.stat().st_size
        if size == 0:
            raise NotAWorkbook(path, "the file is empty (0 bytes)")
        _check_size(path, size, limits)  # before reading it
        # Whole: read once, and every part of the reading works on these bytes, so a
        # workbook saved again while it is being read cannot give values from one
        # save and error cells (scanned later, sheet by sheet) from another.
        content = path.read_bytes() if whole else _head(path)
    except FileNotFoundError:
        raise NotAWorkbook(path, "file not found") from None
    except OSError as exc:  # no permission, a folder, a share that went away ...
        raise NotAWorkbook(path, f"the file cannot be read ({exc.strerror or exc})") from None
    if whole:
        _check_size(path, len(content), limits)  # it may have grown since the look above
    head = content[:4096]
    source = WorkbookSource(path, content if whole else path)
    if head.startswith(OLE_MAGIC):
        source = _unlock(path, content if whole else path.read_bytes(), password)
    elif not head.startswith(ZIP_MAGIC):
        raise NotAWorkbook(path, _describe_non_zip(head))
    check_package(source, limits)
    owner = excel_lock_owner(path)
    if owner is not None:
        who = f" by {owner}" if owner else ""
        source.warnings.append(
            f"The workbook is open in Excel{who}; unsaved changes there are not included"
        )
    return source


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4096)


def _check_size(path: Path, size: int, limits: ReadLimits) -> None:
    if size > limits.max_file_bytes:
        raise UnsafeWorkbook(
            path,
            f"the file is {size:,} bytes, over the limit of {limits.max_file_bytes:,} "
            "(limits.max_file_bytes)",
            "max_file_bytes",
        )


def _describe_non_zip(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text:
        return "this is a web page (HTML) saved with an Excel name, not an Excel workbook; " \
            "open it in Excel and save it as an Excel Workbook (.xlsx)"
    if text.startswith(b"<?xml") and b"office:spreadsheet" in text:
        return "this is an 'XML Spreadsheet 2003' file, not an Excel workbook; " \
            "save it as an Excel Workbook (.xlsx)"
    if _looks_like_csv(head):
        return "this is a CSV (plain text) file with an Excel name, not an Excel workbook; " \
            "open it in Excel and save it as an Excel Workbook (.xlsx)"
    return "this is not an Excel workbook (the file's content is not .xlsx/.xlsm)"


def _looks_like_csv(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(any(sep in line for sep in ",;\t") for line in lines[:5])


def _unlock(path: Path, content: bytes, password: str | None) -> WorkbookSource:
    """An OLE compound file: an encrypted .xlsx/.xlsm, or an old .xls."""
    try:
        ole = olefile.OleFileIO(content)
    except OSError:
        raise NotAWorkbook(path, "the file is damaged (an unreadable Office container)") from None
    with ole:
        encrypted = ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")
        old_excel = ole.exists("Workbook") or ole.exists("Book")
    if old_excel:
        raise NotAWorkbook(
            path,
            "this is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as "
            "an Excel Workbook (.xlsx)",
        )
    if not encrypted:
        raise NotAWorkbook(path, "this is an Office file but not an Excel workbook")
    if password is None:
        raise EncryptedWorkbook(
            path,
            "the workbook is password-protected; remove the password in Excel (File > Info > "
            "Protect Workbook), or configure its password under [passwords]",
        )
    return WorkbookSource(path, _decrypt(path, content, password),
                          ["decrypted with the configured password"])


def _decrypt(path: Path, content: bytes, password: str) -> bytes:
    out = io.BytesIO()
    with io.BytesIO(content) as handle:
        office = msoffcrypto.OfficeFile(handle)
        try:
            office.load_key(password=password)
            office.decrypt(out)
        except (InvalidKeyError, DecryptionError):
            raise EncryptedWorkbook(
                path, "the workbook is password-protected and the configured password is wrong"
            ) from None
    return out.getvalue()


def check_package(source: WorkbookSource, limits: ReadLimits) -> None:
    """The zip directory: is it a workbook, and is it within the limits?"""
    path = source.path
    try:
        with source.open_binary() as handle, zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
    except (zipfile.BadZipFile, EOFError, OSError):
        raise NotAWorkbook(
            path, "the file is damaged or incomplete (perhaps still being copied); "
            "ask for it to be saved or sent again",
        ) from None
    if "xl/workbook.xml" not in names:
        raise NotAWorkbook(path, _describe_other_zip(names))
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed_bytes:
        raise UnsafeWorkbook(
            path,
            f"the workbook would unpack to {total:,} bytes, over the limit of "
            f"{limits.max_uncompressed_bytes:,} (limits.max_uncompressed_bytes)",
            "max_uncompressed_bytes",
        )
    for member in members:
        if member.file_size < _RATIO_FLOOR:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise UnsafeWorkbook(
                path,
                f"part {member.filename} is compressed {ratio:,.0f} to 1, over the limit of "
                f"{limits.max_compression_ratio} to 1 (limits.max_compression_ratio); "
                "this is how a zip bomb looks",
                "max_compression_ratio",
            )


def _describe_other_zip(names: set[str]) -> str:
    if "word/document.xml" in names:
        kind = "a Word document"
    elif any(name.startswith("ppt/") for name in names):
        kind = "a PowerPoint presentation"
    elif "content.xml" in names and "mimetype" in names:
        kind = "an OpenDocument file (.ods); save it as an Excel Workbook (.xlsx)"
    else:
        kind = "a zip archive"
    return f"this is {kind}, not an Excel workbook"


def excel_lock_owner(path: Path) -> str | None:
    """Who has ``path`` open in Excel, from its ``~$`` owner file.

    Returns ``None`` when no owner file exists, ``""`` when the name is unknown.
    """
    lock = path.with_name(LOCK_PREFIX + path.name)
    if lock.is_file():
        try:
            data = lock.read_bytes()[:256]
        except OSError:
            return ""
        # Excel's owner file: one length byte, then the user name.
        length = data[0] if data else 0
        return data[1 : 1 + length].decode("latin-1", "replace").strip() if length else ""
    return None
