"""Where the Excel layer finds the organisation configuration, and its cache.

One lookup, documented in the README:

1. the file named by the environment variable ``BACKOFFICE_CONFIG``, if set;
2. else ``~/.backoffice/backoffice.toml`` (``%USERPROFILE%\\.backoffice\\backoffice.toml``
   on Windows), if it exists;
3. else the built-in defaults (no inbox: the Submit and Consolidate buttons say so).

Worksheet functions recalculate often, so the file is read once and kept; it
is read again when its modification time or size changes, or when the lookup
points somewhere else. ``BACKOFFICE_*`` environment overrides apply as in
:func:`addin.settings.load_config`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from addin.errors import BackofficeError
from addin.settings import CONFIG_ENV_VAR, OrgConfig, load_config

DEFAULT_CONFIG_NAME = "backoffice.toml"


def default_config_path() -> Path:
    """``~/.backoffice/backoffice.toml``: the per-user fallback location."""
    return Path.home() / ".backoffice" / DEFAULT_CONFIG_NAME


def config_path() -> Path | None:
    """The configuration file the lookup finds, or ``None`` for the built-in defaults."""
    named = os.environ.get(CONFIG_ENV_VAR, "").strip()
    if named:
        # Named explicitly: used even if missing, so that load_config says so.
        return Path(named).expanduser()
    fallback = default_config_path()
    return fallback if fallback.is_file() else None


@dataclass(frozen=True, slots=True)
class _Stamp:
    path: Path | None
    mtime_ns: int
    size: int


def _stamp(path: Path | None) -> _Stamp:
    if path is None:
        return _Stamp(None, 0, 0)
    try:
        stat = path.stat()
    except OSError:
        return _Stamp(path, -1, -1)
    return _Stamp(path, stat.st_mtime_ns, stat.st_size)


class _ConfigCache:
    """The last configuration read, and the file stamp it was read from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: _Stamp | None = None
        self._config: OrgConfig | None = None

    def get(self) -> OrgConfig:
        stamp = _stamp(config_path())
        with self._lock:
            if self._config is None or stamp != self._stamp:
                # A ConfigError propagates and nothing is cached: the next call retries,
                # so fixing the file is enough; no need to restart Excel.
                self._config = load_config(stamp.path)
                self._stamp = stamp
            return self._config

    def clear(self) -> None:
        with self._lock:
            self._stamp = None
            self._config = None


_CACHE = _ConfigCache()


def current_config() -> OrgConfig:
    """The organisation configuration, from the cache unless its file changed.

    Raises :class:`addin.errors.ConfigError` when the file is missing or invalid.
    """
    return _CACHE.get()


def forget_config() -> None:
    """Drop the cached configuration (tests; or after changing the environment)."""
    _CACHE.clear()


class NoOrganisationFolder(BackofficeError):
    """The inbox or reports folder is unknown (no configuration file) or missing."""


def organisation_folder(config: OrgConfig, which: str) -> Path:
    """The organisation's ``inbox`` or ``reports`` folder, which must exist.

    A relative folder is taken from the configuration file's folder; without a
    configuration file it would be relative to wherever Excel started Python,
    which is never what anyone meant, so it is refused.
    """
    configured: Path = getattr(config.organisation, which)
    if not configured.is_absolute() and config.source is None:
        raise NoOrganisationFolder(
            f"No organisation configuration file was found, so the {which} folder is unknown. "
            f"Set {CONFIG_ENV_VAR} to the configuration file's path, or save it as "
            f"{default_config_path()}"
        )
    folder = config.resolve(configured)
    if not folder.is_dir():
        raise NoOrganisationFolder(
            f"The {which} folder {folder} cannot be found; check that the network drive is "
            "connected, or ask for the organisation configuration to be corrected"
        )
    return folder
