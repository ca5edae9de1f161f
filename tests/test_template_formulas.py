"""The templates' formulas, computed by an independent spreadsheet application.

Filled USD (English), VND (Vietnamese) and CNY (Chinese) workbooks are copied
without any formula's saved result (:func:`strip_cached_results`), so headless
LibreOffice has to compute every Variance, Gross Pay, Income Tax, Net Pay and
Stock Value itself; the results must equal the Python computation to the
cent, including Gross Pay exactly on each tax bracket limit and one cent
either side, and amounts that land on half a cent. Expected pay is computed
both with :func:`addin.kinds.payroll.compute_pay` and independently
(:func:`tests.templates_support.expected_pay`), and a few values by hand.

One LibreOffice runs for the module; each workbook is opened once (cells read
and exported to PDF in the same call).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from addin.kinds import DATA_KINDS, budget, inventory
from addin.kinds.payroll import compute_pay
from addin.locales import translate
from addin.settings import PayrollSettings
from addin.templates import write_department_workbook
from addin.templates.context import table_columns
from tests.support.files import png_ink, strip_cached_results
from tests.support.libreoffice import (
    LibreOfficeSession,
    LoCell,
    Snapshot,
    pdf_page_png,
    require_libreoffice,
)
from tests.templates_support import (
    CENT,
    DEPARTMENT,
    Row,
    all_rows,
    bracket_edge_rows,
    expected_pay,
    half_cent_rows,
    pay_inputs,
    payroll_row,
    payroll_rows,
)

pytestmark = pytest.mark.libreoffice

LANGUAGE = {"USD": "en", "VND": "vi", "CNY": "zh"}
SCALE = {"USD": Decimal(1), "VND": Decimal(5000), "CNY": Decimal(3)}  # realistic salaries
MONEY = ("base_salary", "allowances", "deductions")
HEADER_ROW = 3  # Excel row of the tables' headers
SETTINGS = PayrollSettings()

# Pay worked out by hand from the contract (160 h, x1.5, each currency's brackets).
HAND_WORKED: dict[str, dict[str, dict[str, str]]] = {
    "USD": {  # 5000 + 200 + 10 h; 10 % on 1000-4000, 20 % on 1668.75
        "E0001": {"gross_pay": "5668.75", "income_tax": "633.75", "net_pay": "4935.00"},
        "B005": {"gross_pay": "4000.00", "income_tax": "300.00", "net_pay": "3700.00"},
    },
    "VND": {  # 25,000,000 + 1,000,000 + 10 h (2,343,750): 250k + 500k + 1.2M + 20 % of 10,343,750
        "E0001": {"gross_pay": "28343750", "income_tax": "4018750", "net_pay": "23825000"},
        "B002": {"gross_pay": "5000000", "income_tax": "250000", "net_pay": "4750000"},
    },
    "CNY": {  # 15,000 + 600 + 10 h (1,406.25): 90 + 900 + 20 % of 5,006.25
        "E0001": {"gross_pay": "17006.25", "income_tax": "1991.25", "net_pay": "14715.00"},
        "B003": {"gross_pay": "3000.01", "income_tax": "90.00", "net_pay": "2910.01"},
    },
}


def scaled(row: Row, factor: Decimal) -> Row:
    return {k: v * factor if k in MONEY and isinstance(v, Decimal) else v for k, v in row.items()}


def payroll_for(currency: str) -> list[Row]:
    rows = [scaled(row, SCALE[currency]) for row in payroll_rows()]
    rows += bracket_edge_rows(SETTINGS.brackets_for(currency))
    rows += half_cent_rows()
    rows.append(payroll_row("Z999", "1000.00", allowances=None, overtime=None, deductions=None))
    return rows


@dataclass
class Computed:
    """A filled workbook as LibreOffice computed it."""

    currency: str
    rows: dict[str, list[Row]]
    snapshot: Snapshot
    pdf: Path

    def table(self, sheet: str) -> list[dict[str, LoCell]]:
        """Every row under the header, as {English header: cell}, up to the totals row."""
        used = self.snapshot.used[sheet].cells
        headers = [cell.text for cell in used[HEADER_ROW - 1]]
        english = {translate(sheet, h, LANGUAGE[self.currency]): h for h in self.english(sheet)}
        names = [english.get(text, text) for text in headers]
        return [dict(zip(names, row, strict=False)) for row in used[HEADER_ROW:]]

    def english(self, sheet: str) -> list[str]:
        kind = DATA_KINDS[sheet]
        return [c.header for c in table_columns(kind)]


@pytest.fixture(scope="module")
def libreoffice() -> Iterator[LibreOfficeSession]:
    require_libreoffice()
    with LibreOfficeSession() as session:
        yield session


@pytest.fixture(scope="module", params=list(LANGUAGE))
def computed(request: pytest.FixtureRequest, libreoffice: LibreOfficeSession,
             tmp_path_factory: pytest.TempPathFactory) -> Computed:
    currency: str = request.param
    folder = tmp_path_factory.mktemp(f"lo_{currency}")
    rows = all_rows(payroll_for(currency))
    path = write_department_workbook(folder / f"FIN_{currency}.xlsx", **DEPARTMENT,
                                     currency=currency, language=LANGUAGE[currency], rows=rows)
    bare = strip_cached_results(path, folder / f"FIN_{currency}_uncalculated.xlsx")
    pdf = folder / f"FIN_{currency}.pdf"
    snapshot = libreoffice.process(bare, used=["Budget", "Payroll", "Inventory"], pdf=pdf)
    return Computed(currency, rows, snapshot, pdf)


def cents(cell: LoCell) -> Decimal:
    assert cell.result == "VALUE", f"{cell.address}: {cell.result} {cell.text!r}"
    assert cell.value is not None
    return Decimal(repr(cell.value)).quantize(CENT)


def test_pay_equals_the_python_computation_to_the_cent(computed: Computed) -> None:
    table = computed.table("Payroll")
    given = computed.rows["Payroll"]
    for row, cells in zip(given, table, strict=False):
        pay = compute_pay(*pay_inputs(row), SETTINGS, computed.currency)
        independent = expected_pay(row, SETTINGS.standard_monthly_hours,
                                   SETTINGS.overtime_multiplier,
                                   SETTINGS.brackets_for(computed.currency))
        where = (computed.currency, row["employee_id"])
        for key, header in (("overtime_pay", "Overtime Pay"), ("gross_pay", "Gross Pay"),
                            ("income_tax", "Income Tax"), ("net_pay", "Net Pay")):
            got = cents(cells[header])
            assert got == getattr(pay, key).quantize(CENT), (where, header)
            assert got == independent[key].quantize(CENT), (where, header)


def test_hand_worked_pay(computed: Computed) -> None:
    table = {cells["Employee ID"].text: cells for cells in computed.table("Payroll")}
    for employee, expected in HAND_WORKED[computed.currency].items():
        for key, amount in expected.items():
            header = key.replace("_", " ").title()
            assert cents(table[employee][header]) == Decimal(amount), (employee, header)


def test_bracket_edges_are_all_there(computed: Computed) -> None:
    edges = {r["employee_id"]: r["base_salary"] for r in computed.rows["Payroll"]
             if str(r["employee_id"]).startswith("B")}
    limits = [b.up_to for b in SETTINGS.brackets_for(computed.currency) if b.up_to is not None]
    assert len(edges) == 3 * len(limits)
    assert {limit + delta for limit in limits for delta in (-CENT, 0, CENT)} == set(edges.values())


def test_budget_variance(computed: Computed) -> None:
    for row, cells in zip(computed.rows["Budget"], computed.table("Budget"), strict=False):
        amount, actual = row["budget"], row["actual"]
        assert isinstance(amount, Decimal)
        if actual is None:
            assert cells["Variance"].text == "" and not cells["Variance"].is_error
            continue
        assert isinstance(actual, Decimal)
        assert cents(cells["Variance"]) == actual - amount
        assert budget.variance(actual, amount) == actual - amount
        ratio = budget.variance_pct(actual, amount)
        if ratio is None:
            assert cells["Variance %"].text == ""
        else:
            assert cells["Variance %"].value == pytest.approx(float(ratio), abs=1e-12)


def test_inventory_stock_value_and_reorder(computed: Computed) -> None:
    for row, cells in zip(computed.rows["Inventory"], computed.table("Inventory"), strict=False):
        quantity, cost, level = row["quantity_on_hand"], row["unit_cost"], row["reorder_level"]
        assert isinstance(quantity, Decimal) and isinstance(cost, Decimal)
        assert isinstance(level, Decimal)
        value = cells["Stock Value"].value
        assert value == pytest.approx(float(quantity * cost), abs=1e-9)
        assert inventory.stock_value(quantity, cost) == quantity * cost
        assert cells["Needs Reorder"].text == ("Yes" if quantity <= level else "No")
    stock = [c["Stock Value"].value for c in computed.table("Inventory")][:4]
    assert stock == pytest.approx([57.0, 14.25, 179.8, 24.9975])  # by hand: 12 x 4.75, ...


def test_spare_rows_show_nothing_and_totals_add_up(computed: Computed) -> None:
    for sheet, summed in (("Budget", "Budget"), ("Payroll", "Net Pay"),
                          ("Inventory", "Stock Value")):
        rows = computed.table(sheet)
        filled = len(computed.rows[sheet])
        total_at = next(i for i, cells in enumerate(rows) if cells[next(iter(cells))].text
                        in ("Total", translate(sheet, "Total", LANGUAGE[computed.currency])))
        assert total_at >= filled + 50
        for cells in rows[filled:total_at]:
            assert all(not cell.is_error and cell.text == "" for cell in cells.values()), sheet
        expected = sum((cents(cells[summed]) for cells in rows[:filled]), Decimal(0))
        assert cents(rows[total_at][summed]) == expected, sheet


def test_first_pdf_page_is_not_blank(computed: Computed, tmp_path: Path) -> None:
    png = pdf_page_png(computed.pdf, 1, tmp_path / "page1.png", dpi=60)
    width, height, ink = png_ink(png)
    assert width > 300 and height > 300
    assert ink > 500, f"page 1 of {computed.pdf} looks blank ({ink} dark pixels)"
    assert ink < width * height // 2  # and not a solid block either
