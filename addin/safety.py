"""Start-up checks that this environment is safe to read workbooks with.

openpyxl parses XML with defusedxml only when defusedxml is installed *and*
the environment variable ``OPENPYXL_DEFUSEDXML`` does not turn it off, which it
does silently. The project refuses to run in that state rather than parse
untrusted workbooks with a vulnerable parser.
"""

from __future__ import annotations

from functools import cache

from addin.errors import EnvironmentProblem


@cache
def ensure_safe_xml() -> None:
    """Raise :class:`EnvironmentProblem` unless openpyxl is backed by defusedxml."""
    try:
        import defusedxml  # noqa: F401, PLC0415
    except ImportError:  # pragma: no cover - a declared dependency
        raise EnvironmentProblem(
            "defusedxml is not installed; install it (pip install defusedxml) before reading "
            "workbooks"
        ) from None
    from openpyxl.xml import DEFUSEDXML  # noqa: PLC0415 - imported late: it reads the env var

    if not DEFUSEDXML:
        raise EnvironmentProblem(
            "openpyxl is running without defusedxml (the environment variable "
            "OPENPYXL_DEFUSEDXML turns it off); unset it before reading workbooks"
        )
