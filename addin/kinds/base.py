"""What every sheet kind is made of.

A sheet kind (Budget, Payroll, ...) is one module that declares:

* its input columns (:class:`addin.columns.Column`), in template order;
* its row model, a strict pydantic model whose fields are the column keys and
  whose field types and constraints (``Field(ge=0)``, ``Literal[...]``) are the
  rules of one cell;
* its row rules (:class:`RowRule`), the rules across the cells of one row,
  written a column at a time (End after Start, Net Pay not negative);
* its computed columns (recomputed from inputs, never read from the file);
* its uniqueness keys within a sheet.

:class:`SheetKind` bundles those so that the reader, validator, template
writer and report can treat every kind alike.

Validation works a column at a time (see :mod:`addin.validation.rows`): each
field's type and constraints go through pydantic for a whole column in one call
(:attr:`SheetKind.field_adapters`), then each row rule runs over the rows whose
cells it reads passed. No model is built per row on that path; the row model is
built only where a caller asks for records (:attr:`SheetResult.records`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic.fields import FieldInfo
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


def rule_error(rule: str, column: str, reason: str) -> PydanticCustomError:
    """An error from a row rule, attributed to the cell of ``column``.

    ``reason`` completes "<Header> is <value>; it ..." (for example
    ``"must be after Start (2026-10-05 09:00)"``).
    """
    # The message template names only the rule: the reason may quote payroll
    # figures, so it travels in the context, which exception texts never show.
    return PydanticCustomError(rule, f"row rule '{rule}' failed", {"column": column, "reason": reason})


Columns = Mapping[str, Sequence[Any]]
"""A sheet's rows a column at a time: column key -> the values, in row order."""

Broken = tuple[int, str]
"""A row a rule rejects: its position in the columns, and the reason."""


@dataclass(frozen=True, slots=True)
class RowRule:
    """A rule across the cells of one row, checked a column at a time.

    ``check`` gets the columns it ``reads``, over the rows whose cells in them
    all passed their own rules (so no value it reads is missing or of the wrong
    type; a cell elsewhere in the row may have failed, and is reported as well),
    and the workbook's :class:`RowContext`. It yields the position (among the rows
    it got) and the reason of every row that breaks the rule. The reason
    completes "<Header> is <value>; it ..." for the cell of ``column`` (for
    example ``"must be after Start (2026-10-05 09:00)"``). A rule that reads every
    input of the kind's derived columns gets those too.
    """

    name: str
    column: str
    reads: tuple[str, ...]
    check: Callable[[Columns, RowContext], Iterable[Broken]]


Derive = Callable[[Columns, RowContext], dict[str, list[Any]]]
"""Computed columns worked out from the input columns (Payroll's pay), once."""


@dataclass(frozen=True)
class SheetKind:
    """One kind of data sheet: its columns, model, rules, computed columns and keys."""

    name: str
    columns: tuple[Column, ...]
    model: type[RowModel]
    computed: tuple[ComputedColumn, ...] = ()
    unique_keys: tuple[tuple[str, ...], ...] = ()
    description: str = ""
    rules: tuple[RowRule, ...] = ()
    # Computed columns the row rules or the consolidation need for every row, worked
    # out a column at a time while validating from the input columns ``derived_from``
    # (rules that read all of those see them beside the inputs).
    derive: Derive | None = None
    derived_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        keys = {column.key for column in self.columns}
        if (self.derive is None) != (not self.derived_from):
            raise ValueError(f"{self.name}: derive and derived_from go together")
        for names in (*((self.derived_from,) if self.derive else ()),
                      *(rule.reads for rule in self.rules)):
            if not names or not set(names) <= keys:
                raise ValueError(f"{self.name}: {names} must name input columns")

    @property
    def table_name(self) -> str:
        """The Excel Table (ListObject) name the template gives this sheet."""
        return f"tbl{self.name}"

    @cached_property
    def adapter(self) -> TypeAdapter[list[Any]]:
        """Row models from a list of rows given as dicts, in one call: the cells' own
        rules only (the row rules are :attr:`rules`; validating a sheet is
        :func:`addin.validation.rows.validate_table`)."""
        return TypeAdapter(
            list[self.model],  # type: ignore[name-defined]
            config=ConfigDict(hide_input_in_errors=True),
        )

    @cached_property
    def field_adapters(self) -> dict[str, TypeAdapter[list[Any]]]:
        """Per input column, the model field's type and constraints over a whole
        column: one call validates every cell of it (in Rust, no model per row)."""
        return {key: TypeAdapter(list[_field_type(info)], config=_COLUMN_CONFIG)  # type: ignore[arg-type,misc]
                for key, info in self.model.model_fields.items()}

    @property
    def derived_keys(self) -> tuple[str, ...]:
        """The keys ``derive`` gives: the kind's computed columns."""
        return tuple(column.key for column in self.computed) if self.derive is not None else ()

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {column.key: column for column in self.columns}

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def column(self, key: str) -> Column:
        return self.by_key[key]


# Strict as the row model; quiet about inputs, which may be payroll figures.
_COLUMN_CONFIG = ConfigDict(strict=True, hide_input_in_errors=True)


def _field_type(info: FieldInfo) -> Any:
    """A model field's type with its constraints, as pydantic keeps them apart."""
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
