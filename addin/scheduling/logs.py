"""The scheduler's log: stderr and a rotating file, one line per event."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOGGER = "addin.scheduling"
FORMAT = "%(asctime)s %(levelname)-7s %(message)s"


def configure_logging(
    log_file: Path | None, *, max_bytes: int = 1_000_000, backups: int = 5, verbose: bool = False
) -> list[logging.Handler]:
    """Send the scheduler's log to stderr and to ``log_file``; returns the handlers added."""
    formatter = logging.Formatter(FORMAT, datefmt="%Y-%m-%d %H:%M:%S%z")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            logging.handlers.RotatingFileHandler(
                log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
        )
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    for handler in handlers:
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    return handlers


def remove_handlers(handlers: list[logging.Handler]) -> None:
    logger = logging.getLogger(LOGGER)
    for handler in handlers:
        logger.removeHandler(handler)
        handler.close()
