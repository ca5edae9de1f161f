"""backoffice: department workbooks read, validated and consolidated for an organisation.

The library API that the command line, the macros, the scheduler and the tests
all use. Data flows one way: workbook -> grid -> rows -> validated records ->
consolidated tables -> report.
"""

from __future__ import annotations

from addin.issues import Issue, IssueLog, Severity
from addin.settings import OrgConfig, load_config
from addin.validation.workbook import WorkbookResult, validate_grids, validate_workbook

__version__ = "0.1.0"

__all__ = [
    "Issue",
    "IssueLog",
    "OrgConfig",
    "Severity",
    "WorkbookResult",
    "__version__",
    "load_config",
    "validate_grids",
    "validate_workbook",
]
