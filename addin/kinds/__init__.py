"""The registry of sheet kinds.

Adding a kind (a Legal contracts register, an IT asset list) means writing one
module like :mod:`addin.kinds.budget` and registering its ``KIND`` here.
"""

from __future__ import annotations

from addin.columns import normalise_header
from addin.kinds import budget, inventory, payroll, schedule
from addin.kinds.base import RowContext, RowModel, SheetKind

DATA_KINDS: dict[str, SheetKind] = {}
"""Data sheet kinds by name, in workbook order."""

INFO_SHEET = "Info"


def register(kind: SheetKind) -> SheetKind:
    """Add a sheet kind; its name is the sheet name in every workbook."""
    DATA_KINDS[kind.name] = kind
    return kind


for _module in (budget, payroll, inventory, schedule):
    register(_module.KIND)


def kind_named(name: str) -> SheetKind:
    """The kind for a sheet name, matched without regard to case or spaces."""
    wanted = normalise_header(name)
    for kind in DATA_KINDS.values():
        if normalise_header(kind.name) == wanted:
            return kind
    raise KeyError(f"no sheet kind named {name!r}; known: {', '.join(DATA_KINDS)}")


__all__ = ["DATA_KINDS", "INFO_SHEET", "RowContext", "RowModel", "SheetKind", "kind_named", "register"]
