"""Human-readable output: issues grouped by file and sheet, with counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from addin.issues import Issue, Severity
from addin.validation.batch import FileOutcome


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _counts(issues: Sequence[Issue]) -> str:
    errors = sum(1 for issue in issues if issue.severity is Severity.ERROR)
    warnings = len(issues) - errors
    if not issues:
        return "no problems"
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def render_outcomes(outcomes: Sequence[FileOutcome]) -> str:
    lines: list[str] = []
    for outcome in outcomes:
        lines.extend(_render_file(outcome))
        lines.append("")
    issues = [issue for outcome in outcomes for issue in outcome.issues]
    read = sum(1 for outcome in outcomes if outcome.result is not None)
    lines.append(
        f"{_plural(len(outcomes), 'file')} checked ({read} read): {_counts(issues)}."
    )
    return "\n".join(lines) + "\n"


def _render_file(outcome: FileOutcome) -> list[str]:
    if outcome.skipped:
        return [f"{outcome.path}: {outcome.skipped}"]
    if outcome.failure is not None:
        return [f"{outcome.path}: CANNOT READ", f"  {outcome.failure.message}"]
    result = outcome.result
    assert result is not None
    status = "OK" if result.ok else "ERRORS"
    lines = [f"{outcome.path}: {status} ({_counts(list(result.issues))})"]
    by_sheet: dict[str, list[Issue]] = defaultdict(list)
    for issue in result.issues:
        by_sheet[issue.sheet].append(issue)
    for note in result.notes:
        lines.append(f"  note: {note}")
    if "" in by_sheet:
        lines.extend(_render_issues(by_sheet.pop("")))
    sheet_names = ["Info", *result.sheets]
    for name in sheet_names + sorted(set(by_sheet) - set(sheet_names)):
        sheet = result.sheets.get(name)
        counted = ""
        if sheet is not None and sheet.present:
            counted = (
                f": {_plural(sheet.rows_read, 'row')} read, {sheet.accepted} accepted, "
                f"{sheet.rejected} rejected"
            )
        if counted or name in by_sheet:
            lines.append(f"  {name}{counted}")
        ordered = sorted(by_sheet.get(name, []), key=lambda issue: issue.sort_key)
        lines.extend(_render_issues(ordered, indent="    "))
    return lines


def _render_issues(issues: Sequence[Issue], indent: str = "  ") -> list[str]:
    width = max((len(issue.cell) for issue in issues), default=0)
    def cell(issue: Issue) -> str:
        return f"{issue.cell:<{width}}  " if width else ""

    return [
        f"{indent}{cell(issue)}{issue.severity.value:<7}  {issue.message}" for issue in issues
    ]
