"""Shared fixtures: a fixed 'today', the default configuration, and a workbook writer."""

from __future__ import annotations

import os

# xlwings reads these once, when it is first imported: its server-side machinery
# (custom_functions_call, Book(json=...)) runs the add-in's functions and macros
# exactly as Excel calls them. Tests are non-commercial use of xlwings PRO.
os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from addin.issues import Issue
from addin.settings import OrgConfig, load_config
from addin.validation.workbook import WorkbookResult, validate_workbook
from tests.generator import Department, write_workbook

TODAY = date(2026, 11, 15)


@pytest.fixture
def config() -> OrgConfig:
    return load_config()


WriteDept = Callable[[Department], Path]
Validate = Callable[[Department], WorkbookResult]


@pytest.fixture
def write(tmp_path: Path) -> WriteDept:
    counter = iter(range(1_000))

    def _write(dept: Department) -> Path:
        return write_workbook(tmp_path / f"{dept.code}_{next(counter)}.xlsx", dept)

    return _write


@pytest.fixture
def validate(write: WriteDept, config: OrgConfig) -> Validate:
    def _validate(dept: Department) -> WorkbookResult:
        return validate_workbook(write(dept), config, today=TODAY)

    return _validate


def brief(issues: object) -> list[tuple[str, str, str, str]]:
    """(sheet, cell, rule, severity) of each issue: what most assertions compare."""
    return [(i.sheet, i.cell, i.rule, i.severity.value) for i in issues]  # type: ignore[attr-defined]


def by_rule(issues: object, rule: str) -> list[Issue]:
    return [i for i in issues if i.rule == rule]  # type: ignore[attr-defined]
