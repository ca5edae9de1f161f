"""Files the project writes, and the fingerprint it records for every file.

Everything the project writes (templates, submitted copies, receipts, figures)
replaces its target in one step: it is written under a temporary name beside
the target and moved over it with ``os.replace``, which is atomic within one
folder on POSIX and on Windows shares alike, so a reader sees the old file or
the new one, never half of one. The organisation report adds more around the
same idea (archive, a locked target) in :mod:`addin.report.files`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``; leaving without an error moves it over ``target``.

    On any error (or an interruption) the temporary file is removed and
    ``target`` is left as it was.
    """
    temporary = target.with_name(f".~{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` in one step, flushed to disk first."""
    with replacing(target) as temporary, temporary.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def copy_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` (with its times) to ``target`` in one step."""
    with replacing(target) as temporary:
        shutil.copy2(source, temporary)


def sha256_of(path: Path) -> str:
    """The file's SHA-256, as receipts, the Sources sheet and the run history record it."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
