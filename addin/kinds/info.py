"""Info: who prepared the workbook, for which department and period.

Unlike the data sheets, Info holds a key in column A and its value in column B.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from addin.columns import Column, ColumnType
from addin.kinds.base import RowModel, rule_error

TEMPLATE_VERSION = 1
"""The contract version this code writes; it reads version 1."""

# ISO 4217 active currency codes. Kept here as data: a dependency for one list
# of codes would cost more than it saves.
ISO_4217 = frozenset(
    (
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD",
        "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN",
        "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF",
        "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS",
        "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR",
        "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW",
        "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
        "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD",
        "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN",
        "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
        "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT",
        "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VES",
        "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
    )
)

KEYS = (
    Column(
        "department_code", "Department Code", ColumnType.TEXT, identifier=True,
        help="2 to 10 characters: capital letters, digits or '-'. Unique in the organisation.",
    ),
    Column("department_name", "Department Name", ColumnType.TEXT, help="The department's name."),
    Column("period", "Period", ColumnType.MONTH, help="The reporting month, YYYY-MM."),
    Column("currency", "Currency", ColumnType.TEXT, help="ISO 4217 code, e.g. USD, VND, CNY, EUR."),
    Column("prepared_by", "Prepared By", ColumnType.TEXT, help="Who filled in this workbook."),
    Column(
        "template_version", "Template Version", ColumnType.INTEGER,
        help="Set by the template; do not change.",
    ),
)


def _known_currency(code: str) -> str:
    code = code.upper()
    if code not in ISO_4217:
        raise rule_error(
            "unknown-currency", "currency",
            "must be an ISO 4217 currency code such as USD, VND, CNY or EUR",
        )
    return code


def _supported_version(version: int) -> int:
    if version != TEMPLATE_VERSION:
        raise rule_error(
            "template-version", "template_version",
            f"must be {TEMPLATE_VERSION}; this version of backoffice reads version "
            f"{TEMPLATE_VERSION} workbooks (ask for the current template)",
        )
    return version


class InfoModel(RowModel):
    department_code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9-]{2,10}$")]
    department_name: Annotated[str, Field(min_length=1)]
    period: str
    currency: Annotated[str, AfterValidator(_known_currency)]
    prepared_by: Annotated[str, Field(min_length=1)]
    template_version: Annotated[int, AfterValidator(_supported_version)]


# Clerk-readable reasons for pydantic's pattern checks, by field.
PATTERN_REASONS = {
    "department_code": "must be 2 to 10 characters: capital letters A-Z, digits or '-'",
}
