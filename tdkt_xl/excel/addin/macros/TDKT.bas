Attribute VB_Name = "TDKT"
' Ribbon callbacks of the TDKT add-in (tdkt_xl.xlam): the buttons of customUI.xml.
' Each macro is one line: RunPython (module xlwings.bas, vendored from xlwings) runs one
' handler of tdkt_xl.excel.handlers on the workbook the user has open (ActiveWorkbook), once
' HasWorkbook has checked there is one.
' Keep this file ASCII: VBA source is stored in the project's code page; the Vietnamese
' labels and screentips live in customUI.xml; the one message written here (no workbook open,
' where RunPython would stop with a VBA error in English) and the status bar text are spelled
' with \uXXXX escapes. Python takes 2-6 s to start: HasWorkbook puts "Dang xu ly ..." (in
' Vietnamese) in the status bar first, and each button gives the status bar back to Excel after.
Option Explicit

#If Mac Then
#ElseIf VBA7 Then
Private Declare PtrSafe Function MessageBoxW Lib "user32" (ByVal hWnd As LongPtr, ByVal lpText As LongPtr, _
    ByVal lpCaption As LongPtr, ByVal uType As Long) As Long
#Else
Private Declare Function MessageBoxW Lib "user32" (ByVal hWnd As Long, ByVal lpText As Long, _
    ByVal lpCaption As Long, ByVal uType As Long) As Long
#End If

Private Function Unescape(ByVal text As String) As String
    ' "\u0111" -> the character U+0111
    Dim position As Long, result As String
    position = 1
    Do While position <= Len(text)
        If Mid$(text, position, 2) = "\u" And position + 5 <= Len(text) Then
            result = result & ChrW(CLng("&H" & Mid$(text, position + 2, 4)))
            position = position + 6
        Else
            result = result & Mid$(text, position, 1)
            position = position + 1
        End If
    Loop
    Unescape = result
End Function

Private Function HasWorkbook() As Boolean
    ' The buttons work on the workbook in front (ActiveWorkbook): say so when there is none
    Dim text As String, title As String
    HasWorkbook = Not (ActiveWorkbook Is Nothing)
    If HasWorkbook Then
        Application.StatusBar = Unescape("\u0110ang x\u1eed l\u00fd \u2026")
        Exit Function
    End If
    text = Unescape("Ch\u01b0a c\u00f3 s\u1ed5 Excel n\u00e0o \u0111ang m\u1edf, ho\u1eb7c s\u1ed5 \u0111ang \u1edf ch\u1ebf \u0111\u1ed9 Protected View " & _
        "(ch\u1ec9 xem: b\u1ea5m Enable Editing tr\u00ean thanh m\u00e0u v\u00e0ng). H\u00e3y m\u1edf s\u1ed5 k\u1ebf ho\u1ea1ch (ho\u1eb7c s\u1ed5 c\u1ea7n l\u00e0m vi\u1ec7c), " & _
        "\u0111\u1ec3 c\u1eeda s\u1ed5 c\u1ee7a n\u00f3 \u1edf ph\u00eda tr\u01b0\u1edbc r\u1ed3i b\u1ea5m l\u1ea1i n\u00fat tr\u00ean th\u1ebb T\u0110KT.")
    title = Unescape("T\u0110KT")
    #If Mac Then
        MsgBox text, vbExclamation, title
    #Else
        MessageBoxW Application.Hwnd, StrPtr(text), StrPtr(title), &H30 ' MB_ICONWARNING: MsgBox shows "?" for Vietnamese letters
    #End If
End Function

Sub KiemTra(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.kiem_tra()": Application.StatusBar = False
End Sub

Sub CapNhatTrangThai(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.cap_nhat_trang_thai()": Application.StatusBar = False
End Sub

Sub TaoMauBaoCao(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.tao_mau_bao_cao()": Application.StatusBar = False
End Sub

Sub TongHop(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.tong_hop()": Application.StatusBar = False
End Sub

Sub DonDoc(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.don_doc()": Application.StatusBar = False
End Sub

Sub DuThaoBaoCao(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.du_thao_bao_cao()": Application.StatusBar = False
End Sub

Sub HuongDan(control As IRibbonControl)
    If HasWorkbook() Then RunPython "import tdkt_xl.excel.handlers as h; h.huong_dan()": Application.StatusBar = False
End Sub
