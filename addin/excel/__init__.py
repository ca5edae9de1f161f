"""The Excel layer's building blocks, shared by :mod:`addin.udfs` and :mod:`addin.macros`.

Only :mod:`.book` and :mod:`.marks` handle xlwings objects, and even they do not
import xlwings: nothing under :mod:`addin.excel` does, so that the command line
and the tests can import it without deciding how xlwings is set up. The receipt
the Submit button leaves is :mod:`addin.receipts`, outside this package, since
the consolidation and the demo read and write it too.

* :mod:`.config` -- where the organisation configuration is found; read once, cached.
* :mod:`.arguments` -- worksheet-function arguments to typed values, problems as messages.
* :mod:`.ranges` -- a range of cells validated as a sheet kind; booking conflicts.
* :mod:`.figures` -- the organisation report's headline figures, for ``BO_ORG``.
* :mod:`.submission` -- the submitted copy, written atomically into the inbox.
* :mod:`.book` -- a live xlwings workbook read as grids and validated.
* :mod:`.marks` -- validation marks (fills, notes) and the Validation sheet.
"""
