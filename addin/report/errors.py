"""The one hard failure of the report writer.

A report that loses rows or shows totals that a recalculation would not
reproduce is worse than no report: finance staff would act on it. So the
writer checks the data before it writes anything, and checks the written file
before it puts it in place; either check failing raises
:class:`ReportInvariantError` and leaves the previous report untouched.

Messages name the file, sheet and column concerned but never an amount:
they may end up in logs, and payroll figures must not.
"""

from __future__ import annotations

from addin.errors import BackofficeError


class ReportInvariantError(BackofficeError):
    """The report data breaks a rule the report must keep, or the written file did not read back.

    Nothing was written under the report's name when this is raised.
    """
