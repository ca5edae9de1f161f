"""What every sheet kind is made of.

A sheet kind (Budget, Payroll, ...) is one module that declares:

* its input columns (:class:`addin.columns.Column`), in template order;
* its row model, a strict pydantic model whose fields are the column keys;
* its computed columns (recomputed from inputs, never read from the file);
* its uniqueness keys within a sheet.

:class:`SheetKind` bundles those so that the reader, validator, template
writer and report can treat every kind alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationInfo
from pydantic_core import PydanticCustomError

from addin.columns import Column, ComputedColumn
from addin.settings import PayrollSettings


class RowModel(BaseModel):
    """Base of every row model: strict, immutable, and quiet about its inputs.

    Values are coerced by :mod:`addin.cells` before they get here, so strict
    mode only ever sees the right Python types. ``hide_input_in_errors`` keeps
    payroll figures out of exception texts that might reach a log.
    """

    model_config = ConfigDict(strict=True, frozen=True, extra="forbid", hide_input_in_errors=True)


@dataclass(frozen=True, slots=True)
class RowContext:
    """What row rules need to know about the workbook around the row."""

    period: str | None = None
    currency: str | None = None
    payroll: PayrollSettings = field(default_factory=PayrollSettings)
    today: date = field(default_factory=date.today)


def context_of(info: ValidationInfo) -> RowContext:
    """The :class:`RowContext` passed to ``validate_python(..., context=...)``."""
    context = info.context
    return context if isinstance(context, RowContext) else RowContext()


def rule_error(rule: str, column: str, reason: str) -> PydanticCustomError:
    """An error from a row rule, attributed to the cell of ``column``.

    ``reason`` completes "<Header> is <value>; it ..." (for example
    ``"must be after Start (2026-10-05 09:00)"``).
    """
    # The message template names only the rule: the reason may quote payroll
    # figures, so it travels in the context, which exception texts never show.
    return PydanticCustomError(rule, f"row rule '{rule}' failed", {"column": column, "reason": reason})


@dataclass(frozen=True)
class SheetKind:
    """One kind of data sheet: its columns, model, computed columns and keys."""

    name: str
    columns: tuple[Column, ...]
    model: type[RowModel]
    computed: tuple[ComputedColumn, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    description: str = ""

    @property
    def table_name(self) -> str:
        """The Excel Table (ListObject) name the template gives this sheet."""
        return f"tbl{self.name}"

    @cached_property
    def adapter(self) -> TypeAdapter[list[Any]]:
        """Validates a whole list of rows in one call (bulk, in Rust)."""
        return TypeAdapter(
            list[self.model],  # type: ignore[name-defined]
            config=ConfigDict(hide_input_in_errors=True),
        )

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def column(self, key: str) -> Column:
        return self.by_key[key]
