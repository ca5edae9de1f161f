"""Column headers and Info keys in other languages.

Templates may be written with Vietnamese or Chinese headers (``--lang vi|zh``);
the reader accepts those headers as aliases of the English ones. Each language
is one TOML table per sheet kind, beside this file, mapping the English header
to the translated one. Adding a language means adding one file.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from addin.columns import normalise_header
from addin.kinds.base import SheetKind

ENGLISH = "en"


@cache
def languages() -> tuple[str, ...]:
    """Every language with a table, English first."""
    names = sorted(
        entry.name.removesuffix(".toml")
        for entry in resources.files(__name__).iterdir()
        if entry.name.endswith(".toml")
    )
    return (ENGLISH, *names)


@cache
def _table(language: str) -> dict[str, dict[str, str]]:
    text = resources.files(__name__).joinpath(f"{language}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def translate(sheet: str, header: str, language: str = ENGLISH) -> str:
    """``header`` of ``sheet`` in ``language``; English when no translation exists."""
    if language == ENGLISH:
        return header
    if language not in languages():
        raise ValueError(f"unknown language {language!r}; known: {', '.join(languages())}")
    return _table(language).get(sheet, {}).get(header, header)


def aliases(sheet: str, header: str) -> list[str]:
    """Every accepted spelling of ``header`` of ``sheet``, English first."""
    names = [header]
    for language in languages()[1:]:
        translated = _table(language).get(sheet, {}).get(header)
        if translated and translated not in names:
            names.append(translated)
    return names


@cache
def header_lookup(kind: SheetKind) -> dict[str, str]:
    """Normalised header (any language) -> column key, for the input columns."""
    return {
        normalise_header(alias): column.key
        for column in kind.columns
        for alias in aliases(kind.name, column.header)
    }


@cache
def computed_headers(kind: SheetKind) -> frozenset[str]:
    """Normalised headers (any language) of the computed columns."""
    return frozenset(
        normalise_header(alias)
        for column in kind.computed
        for alias in aliases(kind.name, column.header)
    )
