"""The organisation configuration: defaults, the TOML file, the environment, errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from addin.errors import ConfigError
from addin.settings import DEFAULT_BRACKETS, load_config


def test_defaults_without_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKOFFICE_CONFIG", raising=False)
    config = load_config()
    assert config.payroll.standard_monthly_hours == Decimal(160)
    assert config.payroll.overtime_multiplier == Decimal("1.5")
    assert config.payroll.tax_brackets == DEFAULT_BRACKETS


def test_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "org.toml"
    path.write_text(
        "[payroll]\nstandard_monthly_hours = 168\n"
        "tax_brackets = [{up_to = 500, rate = 0}, {rate = 0.2}]\n"
    )
    monkeypatch.setenv("BACKOFFICE_CONFIG", str(path))
    monkeypatch.setenv("BACKOFFICE_PAYROLL__OVERTIME_MULTIPLIER", "2")
    config = load_config()
    assert config.payroll.standard_monthly_hours == Decimal(168)
    assert config.payroll.overtime_multiplier == Decimal(2)
    assert [(b.up_to, b.rate) for b in config.payroll.tax_brackets] == [
        (Decimal(500), Decimal(0)), (None, Decimal("0.2"))
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[payroll]\ntax_brackets = [{up_to = 500, rate = 0.1}, {up_to = 100, rate = 0.2}, "
         "{rate = 0.3}]\n",
         "payroll: Value error, tax_brackets: up_to limits must increase from one bracket to the "
         "next"),
        ("[payroll]\ntax_brackets = [{up_to = 500, rate = 0.1}]\n",
         "payroll: Value error, tax_brackets: only the last bracket may (and must) have no up_to"),
        ("[payroll]\ntax_brackets = [{rate = 1.5}]\n",
         "payroll.tax_brackets.0.rate: Input should be less than or equal to 1"),
        ("[limits]\nmax_file_bytes = -1\n",
         "limits.max_file_bytes: Input should be greater than 0"),
    ],
)
def test_invalid_configuration_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == f"{path}: 1 problem(s)\n  {message}"


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text("[payroll\n")
    with pytest.raises(ConfigError, match=r"org.toml: not valid TOML"):
        load_config(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "none.toml")
    assert str(caught.value) == f"{tmp_path / 'none.toml'}: configuration file not found"


def test_passwords_are_secret(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text('[passwords]\n"HR_*.xlsx" = "s3cret"\n')
    config = load_config(path)
    assert "s3cret" not in repr(config)
    assert config.password_for(Path("/inbox/HR_2026-10.xlsx")) == "s3cret"
    assert config.password_for(Path("/inbox/FIN_2026-10.xlsx")) is None
