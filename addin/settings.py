"""The organisation configuration: one TOML file, validated by pydantic.

Everything an organisation tunes lives here with a sensible default, so the
tool works with no configuration at all: payroll settings (standard monthly
hours, overtime multiplier, progressive income-tax brackets), limits that
protect the reader from hostile files, and passwords for encrypted workbooks.

Load it with :func:`load_config`. Environment variables prefixed
``BACKOFFICE_`` (nested with ``__``) override the file, e.g.
``BACKOFFICE_PAYROLL__OVERTIME_MULTIPLIER=2``.
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from addin.errors import ConfigError
from addin.scheduling.config import JobConfig, SchedulerSettings

CONFIG_ENV_VAR = "BACKOFFICE_CONFIG"
"""Environment variable naming the organisation configuration file."""

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Rate = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaxBracket(_Section):
    """Income up to ``up_to`` (``None``: no upper limit) is taxed at ``rate``."""

    up_to: Money | None = None
    rate: Rate


def _brackets(*pairs: tuple[int | None, str]) -> tuple[TaxBracket, ...]:
    return tuple(
        TaxBracket(up_to=None if up_to is None else Decimal(up_to), rate=Decimal(rate))
        for up_to, rate in pairs
    )


# A generic schedule for currencies without their own (amounts in that currency).
DEFAULT_BRACKETS = _brackets((1_000, "0"), (4_000, "0.10"), (10_000, "0.20"), (None, "0.30"))

# Viet Nam's monthly progressive personal income tax schedule (VND).
VND_BRACKETS = _brackets(
    (5_000_000, "0.05"),
    (10_000_000, "0.10"),
    (18_000_000, "0.15"),
    (32_000_000, "0.20"),
    (52_000_000, "0.25"),
    (80_000_000, "0.30"),
    (None, "0.35"),
)

# China's monthly individual income tax schedule (CNY).
CNY_BRACKETS = _brackets(
    (3_000, "0.03"),
    (12_000, "0.10"),
    (25_000, "0.20"),
    (35_000, "0.25"),
    (55_000, "0.30"),
    (80_000, "0.35"),
    (None, "0.45"),
)


class PayrollSettings(_Section):
    """How Net Pay is computed (see the Payroll section of the contract)."""

    standard_monthly_hours: Annotated[Decimal, Field(gt=0, le=744)] = Decimal(160)
    overtime_multiplier: Annotated[Decimal, Field(ge=1, le=5)] = Decimal("1.5")
    tax_brackets: tuple[TaxBracket, ...] = DEFAULT_BRACKETS
    tax_brackets_by_currency: dict[str, tuple[TaxBracket, ...]] = Field(
        default_factory=lambda: {"VND": VND_BRACKETS, "CNY": CNY_BRACKETS}
    )

    @model_validator(mode="after")
    def _brackets_ascend(self) -> Self:
        for name, brackets in {"tax_brackets": self.tax_brackets, **self.tax_brackets_by_currency}.items():
            _check_brackets(name, brackets)
        return self

    def brackets_for(self, currency: str) -> tuple[TaxBracket, ...]:
        return self.tax_brackets_by_currency.get(currency.upper(), self.tax_brackets)


def _check_brackets(name: str, brackets: tuple[TaxBracket, ...]) -> None:
    if not brackets:
        raise ValueError(f"{name}: at least one bracket is needed")
    limits = [b.up_to for b in brackets]
    if limits[-1] is not None or any(limit is None for limit in limits[:-1]):
        raise ValueError(f"{name}: only the last bracket may (and must) have no up_to")
    bounded = [limit for limit in limits if limit is not None]
    if bounded != sorted(set(bounded)):
        raise ValueError(f"{name}: up_to limits must increase from one bracket to the next")


class ReadLimits(_Section):
    """Checked before a workbook is parsed; a file over any of them is refused."""

    max_file_bytes: int = Field(default=200 * 1024**2, gt=0)
    max_uncompressed_bytes: int = Field(default=2 * 1024**3, gt=0)
    max_compression_ratio: int = Field(default=200, gt=1)
    max_cells_per_sheet: int = Field(default=20_000_000, gt=0)


class Department(_Section):
    """A department expected to submit a workbook every period."""

    code: Annotated[str, Field(pattern=r"^[A-Z0-9-]{2,10}$")]
    name: Annotated[str, Field(min_length=1)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    expected: bool = True


DEFAULT_DEPARTMENTS = (
    Department(code="FIN", name="Finance"),
    Department(code="HR", name="Human Resources"),
    Department(code="ADMIN", name="Administration"),
    Department(code="IT", name="IT"),
    Department(code="OPS", name="Operations"),
    Department(code="LEGAL", name="Legal"),
    Department(code="PROC", name="Procurement"),
    Department(code="FAC", name="Facilities"),
    Department(code="CS", name="Customer Service"),
)


class OrganisationSettings(_Section):
    """Who the organisation is and how its report is made."""

    name: str = "Our Organisation"
    reporting_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    # A period's workbooks are due on this day of the following month.
    due_day: Annotated[int, Field(ge=1, le=28)] = 5
    # Where departments submit (the Submit button) and where reports go, relative
    # to the configuration file's folder unless absolute.
    inbox: Path = Path("inbox")
    reports: Path = Path("reports")
    # Payroll groups smaller than this are suppressed in the report.
    min_group_size: Annotated[int, Field(ge=1)] = 3


ExchangeRate = Annotated[Decimal, Field(gt=0, allow_inf_nan=False)]


class OrgConfig(BaseSettings):
    """The whole organisation configuration file."""

    model_config = SettingsConfigDict(
        env_prefix="BACKOFFICE_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    organisation: OrganisationSettings = OrganisationSettings()
    departments: tuple[Department, ...] = DEFAULT_DEPARTMENTS
    # rates[period][currency]: units of that currency per one unit of the
    # reporting currency, as rates are quoted (USD/VND 25,400 -> VND = 25400).
    rates: dict[str, dict[str, ExchangeRate]] = Field(default_factory=dict)
    payroll: PayrollSettings = PayrollSettings()
    limits: ReadLimits = ReadLimits()
    # Passwords for encrypted workbooks, by file name pattern ("HR_*.xlsx").
    passwords: dict[str, SecretStr] = Field(default_factory=dict)
    jobs: tuple[JobConfig, ...] = ()
    scheduler: SchedulerSettings = SchedulerSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment overrides the file (passed as init values).
        return (env_settings, init_settings)

    # Where the configuration was loaded from; relative paths are taken from its folder.
    source: Path | None = None

    @model_validator(mode="after")
    def _departments_unique(self) -> Self:
        codes = [department.code for department in self.departments]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"departments: code {', '.join(duplicates)} is listed twice")
        return self

    def rate(self, period: str, currency: str) -> Decimal | None:
        """Units of ``currency`` per unit of the reporting currency, or ``None`` if missing."""
        if currency == self.organisation.reporting_currency:
            return Decimal(1)
        return self.rates.get(period, {}).get(currency)

    def resolve(self, path: Path) -> Path:
        """``path`` taken relative to the configuration file's folder."""
        if path.is_absolute() or self.source is None:
            return path
        return self.source.parent / path

    def password_for(self, path: Path) -> str | None:
        for pattern, secret in self.passwords.items():
            if fnmatch.fnmatch(path.name, pattern):
                return secret.get_secret_value()
        return None


def load_config(path: Path | str | None = None) -> OrgConfig:
    """Load the configuration from ``path``, ``$BACKOFFICE_CONFIG``, or defaults.

    Raises :class:`ConfigError` with every problem named by its place in the file.
    """
    if path is None and os.environ.get(CONFIG_ENV_VAR):
        path = os.environ[CONFIG_ENV_VAR]
    data: dict[str, Any] = {}
    if path is not None:
        data = _read_toml(Path(path))
        data["source"] = Path(path).resolve()
    try:
        return OrgConfig(**data)
    except ValidationError as exc:
        raise ConfigError(_describe(path, exc)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _describe(path: Path | str | None, exc: ValidationError) -> str:
    where = str(path) if path is not None else "configuration"
    lines = [f"{where}: {exc.error_count()} problem(s)"]
    for error in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {field}: {error['msg']}")
    return "\n".join(lines)
