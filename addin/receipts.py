"""The submission receipt: a small JSON file beside each submitted workbook.

The Submit button writes ``<DEPT>_<PERIOD>.receipt.json`` next to
``<DEPT>_<PERIOD>.xlsx`` in the organisation's inbox; the consolidation's
Submissions sheet reads it with :func:`read_receipt`. Format (UTF-8 JSON object)::

    {
      "receipt_version": 1,
      "department": "FIN",
      "period": "2026-10",
      "submitted_by": "linh.tran",
      "submitted_at": "2026-11-03T09:14:07+07:00",
      "sha256": "<64 hex digits of the .xlsx>",
      "template_version": 1,
      "file": "FIN_2026-10.xlsx"
    }

``submitted_at`` is ISO 8601 with the submitter's UTC offset. A receipt whose
``sha256`` does not match the file beside it describes an earlier version
(the workbook is replaced first, then its receipt): :func:`receipt_matches`
tells. Unknown keys are ignored, so the format can grow.

It stands apart from the Excel layer: the Submit button writes receipts, the
consolidation and the demo read and write them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from addin.files import sha256_of, write_atomically

RECEIPT_VERSION: Final = 1
RECEIPT_SUFFIX: Final = ".receipt.json"

_SHA256: Final = re.compile(r"^[0-9a-f]{64}$")


class ReceiptError(ValueError):
    """A receipt file that cannot be read or does not follow the format."""


@dataclass(frozen=True, slots=True)
class Receipt:
    """Who submitted which workbook, when, and its fingerprint."""

    department: str
    period: str
    submitted_by: str
    submitted_at: datetime
    sha256: str
    template_version: int | None
    file: str

    def to_json(self) -> dict[str, Any]:
        return {
            "receipt_version": RECEIPT_VERSION,
            "department": self.department,
            "period": self.period,
            "submitted_by": self.submitted_by,
            "submitted_at": self.submitted_at.isoformat(timespec="seconds"),
            "sha256": self.sha256,
            "template_version": self.template_version,
            "file": self.file,
        }


def submission_stem(department: str, period: str) -> str:
    """``FIN_2026-10``: the name of a department's submission for a period."""
    return f"{department}_{period}"


def receipt_path(workbook: Path) -> Path:
    """``<inbox>/FIN_2026-10.receipt.json`` for ``<inbox>/FIN_2026-10.xlsx``."""
    return workbook.with_name(workbook.stem + RECEIPT_SUFFIX)


def read_receipt(path: Path) -> Receipt:
    """Read and check a receipt file; raises :class:`ReceiptError` saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReceiptError(f"{path.name}: not a readable receipt ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise ReceiptError(f"{path.name}: a receipt is a JSON object")
    return _from_json(data, path.name)


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ReceiptError(f"{where}: {key} is missing or not a text")
    return value.strip()


def _from_json(data: dict[str, Any], where: str) -> Receipt:
    submitted_at = _text(data, "submitted_at", where)
    try:
        moment = datetime.fromisoformat(submitted_at)
    except ValueError:
        raise ReceiptError(f"{where}: submitted_at is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise ReceiptError(f"{where}: submitted_at has no UTC offset")
    sha = _text(data, "sha256", where).lower()
    if not _SHA256.match(sha):
        raise ReceiptError(f"{where}: sha256 is not 64 hexadecimal digits")
    version = data.get("template_version")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise ReceiptError(f"{where}: template_version is not a whole number")
    return Receipt(
        department=_text(data, "department", where),
        period=_text(data, "period", where),
        submitted_by=_text(data, "submitted_by", where),
        submitted_at=moment,
        sha256=sha,
        template_version=version,
        file=_text(data, "file", where),
    )


def receipt_matches(receipt: Receipt, workbook: Path) -> bool:
    """Whether ``receipt`` describes the bytes of ``workbook`` as they are now."""
    try:
        return sha256_of(workbook) == receipt.sha256
    except OSError:
        return False


def write_receipt(receipt: Receipt, path: Path) -> Path:
    """Write ``receipt`` to ``path`` atomically."""
    content = json.dumps(receipt.to_json(), ensure_ascii=False, indent=2) + "\n"
    write_atomically(path, content.encode("utf-8"))
    return path
