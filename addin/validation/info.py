"""The Info sheet: a key in column A, its value in column B."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from addin import locales
from addin.cells import RawValue
from addin.columns import ColumnType, normalise_header
from addin.issues import Issue, Severity, shown_value
from addin.kinds import INFO_SHEET
from addin.kinds.info import KEYS, PATTERN_REASONS, InfoModel
from addin.reading.grid import Grid
from addin.validation.coerce import Problem, coerce_cell, coercer_for, describe
from addin.validation.rows import plain_reason


@dataclass(slots=True)
class InfoResult:
    info: InfoModel | None
    # Values that coerced cleanly, even when the whole sheet did not validate:
    # the data sheets still use the Period and Currency found here.
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _key_lookup() -> dict[str, str]:
    return {
        normalise_header(alias): column.key
        for column in KEYS
        for alias in locales.aliases(INFO_SHEET, column.header)
    }


def validate_info(grid: Grid, file: str) -> InfoResult:
    lookup = _key_lookup()
    places: dict[str, tuple[int, RawValue]] = {}
    for row, cells in enumerate(grid.rows):
        key = lookup.get(normalise_header(cells[0] if cells else None))
        if key is not None and key not in places:
            places[key] = (row, cells[1] if len(cells) > 1 else None)
    result = InfoResult(None)
    for column in KEYS:
        if column.key not in places:
            result.issues.append(
                Issue(
                    file, grid.sheet, "", column.header, "", "missing-info-key",
                    f"The Info sheet has no {column.header}; put the key in column A and its "
                    "value in column B",
                )
            )
            continue
        row, raw = places[column.key]
        outcome = coerce_cell(column, coercer_for(column, grid.epoch), raw)
        if isinstance(outcome, Problem):
            result.issues.append(_issue(grid, file, row, column.header, raw, outcome.rule,
                                        describe(column.header, raw, outcome.reason), outcome.severity))
            if outcome.severity is Severity.ERROR:
                continue
            outcome = outcome.value
        result.values[column.key] = int(outcome) if column.type is ColumnType.INTEGER else outcome
    model: InfoModel | None = None
    try:
        model = InfoModel.model_validate(result.values)
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            if error["type"] == "missing":
                continue  # reported above, with a better message
            key = str(error["loc"][0])
            column = next(c for c in KEYS if c.key == key)
            row, raw = places[key]
            rule, reason = plain_reason(error)
            reason = PATTERN_REASONS.get(key, reason) if rule == "pattern" else reason
            result.issues.append(_issue(grid, file, row, column.header, raw, rule,
                                        describe(column.header, raw, reason), Severity.ERROR))
            result.values.pop(key, None)
    if not any(issue.severity is Severity.ERROR for issue in result.issues):
        result.info = model
    return result


def _issue(grid: Grid, file: str, row: int, header: str, raw: RawValue, rule: str,
           message: str, severity: Severity) -> Issue:
    return Issue(file, grid.sheet, grid.ref(row, 1), header, shown_value(raw), rule, message,
                 severity)
