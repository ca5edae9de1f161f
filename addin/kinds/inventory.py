"""Inventory: stock on hand, one row per stock item at one location.

Stock Value = Quantity On Hand x Unit Cost; Needs Reorder = Quantity On Hand <=
Reorder Level. (SKU, Location) is unique within the sheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field

from addin.columns import Column, ColumnType, ComputedColumn
from addin.kinds.base import Broken, Columns, RowContext, RowModel, RowRule, SheetKind

ZERO = Decimal(0)

COLUMNS = (
    Column("sku", "SKU", ColumnType.TEXT, identifier=True, help="Stock keeping unit code.", width=12),
    Column("item_name", "Item Name", ColumnType.TEXT, help="What the item is.", width=26),
    Column("category", "Category", ColumnType.TEXT, help="Item category.", width=16),
    Column("unit", "Unit", ColumnType.TEXT, help="Unit of count, e.g. pcs, kg, box.", width=8),
    Column("location", "Location", ColumnType.TEXT, help="Store room or site.", width=16),
    Column(
        "quantity_on_hand", "Quantity On Hand", ColumnType.NUMBER, minimum=ZERO,
        help="Counted quantity, in the unit.", width=12,
    ),
    Column("unit_cost", "Unit Cost", ColumnType.MONEY, minimum=ZERO, help="Cost of one unit.", width=13),
    Column(
        "reorder_level", "Reorder Level", ColumnType.NUMBER, minimum=ZERO,
        help="Reorder when stock falls to this level.", width=11,
    ),
    Column(
        "reorder_quantity", "Reorder Quantity", ColumnType.NUMBER, minimum=ZERO,
        help="How much to order each time.", width=11,
    ),
    Column("supplier", "Supplier", ColumnType.TEXT, required=False, help="Optional.", width=22),
    Column(
        "last_counted", "Last Counted", ColumnType.DATE,
        help="Date of the last stock count; not in the future.", width=12,
    ),
)

COMPUTED = (
    ComputedColumn("stock_value", "Stock Value", ColumnType.MONEY, "Quantity x Unit Cost.", width=15),
    ComputedColumn("needs_reorder", "Needs Reorder", ColumnType.TEXT, "At or below reorder level.", width=11),
)

NonNegative = Annotated[Decimal, Field(ge=0)]


def stock_value(quantity_on_hand: Decimal, unit_cost: Decimal) -> Decimal:
    return quantity_on_hand * unit_cost


def needs_reorder(quantity_on_hand: Decimal, reorder_level: Decimal) -> bool:
    return quantity_on_hand <= reorder_level


def suggested_order(
    quantity_on_hand: Decimal, reorder_level: Decimal, reorder_quantity: Decimal
) -> Decimal:
    """What to order now: the item's Reorder Quantity when it needs reordering, else 0."""
    return reorder_quantity if needs_reorder(quantity_on_hand, reorder_level) else ZERO


class InventoryRow(RowModel):
    sku: str
    item_name: str
    category: str
    unit: str
    location: str
    quantity_on_hand: NonNegative
    unit_cost: NonNegative
    reorder_level: NonNegative
    reorder_quantity: NonNegative
    supplier: str | None = None
    last_counted: date

    @property
    def stock_value(self) -> Decimal:
        return stock_value(self.quantity_on_hand, self.unit_cost)

    @property
    def needs_reorder(self) -> bool:
        return needs_reorder(self.quantity_on_hand, self.reorder_level)


def _counted_in_the_past(rows: Columns, context: RowContext) -> Iterator[Broken]:
    today = context.today
    counted = rows["last_counted"]
    if not counted or max(counted) <= today:  # the usual sheet, decided in C
        return
    reason = f"is in the future; it must be {today} or earlier"
    yield from ((position, reason) for position, day in enumerate(counted) if day > today)


RULES = (RowRule("date-in-future", "last_counted", ("last_counted",), _counted_in_the_past),)


KIND = SheetKind(
    name="Inventory",
    columns=COLUMNS,
    model=InventoryRow,
    computed=COMPUTED,
    unique_keys=(("sku", "location"),),
    description="Stock on hand by item and location.",
    rules=RULES,
)
