Attribute VB_Name = "SelfTest"
' backoffice: a self-test of the workbook's VBA project that needs nothing but VBA.
'
' No Python, no xlwings, no add-in, no network: it proves that the project
' loads and runs, and that the code names of the workbook and of its sheets
' are the document modules of the project (ThisWorkbook, Sheet1 = Info, ...).
' It is on no button and never runs by itself: start it by hand (Developer >
' Macros > RunSelfTest) or from the test suite. It writes its report on a
' sheet of its own, "Self-test", added at the end the first time; the
' validator ignores that sheet, and it can be deleted at any time.
Option Explicit

Public Const SELF_TEST_SHEET As String = "Self-test"

' Writes the report: A1 "backoffice self-test", then one row per check.
'   row 2  Department Code   read through the code name Sheet1 (Info!B3)
'   row 3  Workbook code name (ThisWorkbook)
'   row 4  Sheets            how many sheets the workbook had before the report
'   row 5+ <code name>       the sheet's name, one row per sheet, in order
Public Sub RunSelfTest()
    Dim report As Worksheet
    Dim sheet As Worksheet
    Dim row As Long
    Dim count As Long

    Set report = ReportSheet()
    report.Cells.ClearContents
    report.Range("A1").Value = "backoffice self-test"
    report.Range("A2").Value = "Department Code"
    report.Range("B2").Value = Sheet1.Range("B3").Value
    report.Range("A3").Value = "Workbook code name"
    report.Range("B3").Value = ThisWorkbook.CodeName
    row = 5
    count = 0
    For Each sheet In ThisWorkbook.Worksheets
        If sheet.Name <> SELF_TEST_SHEET Then
            report.Cells(row, 1).Value = sheet.CodeName
            report.Cells(row, 2).Value = sheet.Name
            row = row + 1
            count = count + 1
        End If
    Next sheet
    report.Range("A4").Value = "Sheets"
    report.Range("B4").Value = count
End Sub

Private Function ReportSheet() As Worksheet
    Dim sheet As Worksheet
    For Each sheet In ThisWorkbook.Worksheets
        If sheet.Name = SELF_TEST_SHEET Then
            Set ReportSheet = sheet
            Exit Function
        End If
    Next sheet
    Set sheet = ThisWorkbook.Worksheets.Add(After:=ThisWorkbook.Worksheets(ThisWorkbook.Worksheets.Count))
    sheet.Name = SELF_TEST_SHEET
    Set ReportSheet = sheet
End Function
