Attribute VB_Name = "backoffice"
' backoffice buttons for a department workbook (.xlsm).
'
' Each Sub runs one macro of the Python package (addin/macros.py) through
' xlwings' RunPython, on the workbook as it is on screen (unsaved edits included).
' Assign a Sub to a button: right-click the button > Assign Macro.
'
' Workbooks built by "backoffice init --macros" embed xlwings' own VBA, so no
' add-in or reference is needed; Python comes from xlwings.conf (or PATH).
' Imported by hand into another workbook, it needs the xlwings add-in instead.
Option Explicit

' Mark every problem in the workbook and list them on the Validation sheet.
Sub BackofficeValidate()
    RunPython "import addin.macros as m; m.run_validate()"
End Sub

' Validate; if there are no errors, copy the workbook into the organisation's inbox.
Sub BackofficeSubmit()
    RunPython "import addin.macros as m; m.run_submit()"
End Sub

' Consolidate the inbox and show the headline figures on the Org Summary sheet.
Sub BackofficeConsolidateNow()
    RunPython "import addin.macros as m; m.run_consolidate_now()"
End Sub

' Remove the validation marks and the Validation sheet.
Sub BackofficeClearMarks()
    RunPython "import addin.macros as m; m.run_clear_marks()"
End Sub
