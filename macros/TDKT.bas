Attribute VB_Name = "TDKT"
' Ribbon callbacks of the TDKT add-in (tdkt_xl.xlam): the buttons of customUI.xml.
' Each macro is one line: RunPython (module xlwings.bas, vendored from xlwings) runs one
' handler of tdkt_xl.excel.handlers on the workbook the user has open (ActiveWorkbook).
' Keep this file ASCII: VBA source is stored in the project's code page; the Vietnamese
' labels and screentips live in customUI.xml.
Option Explicit

Sub KiemTra(control As IRibbonControl)
    RunPython "import tdkt_xl.excel.handlers as h; h.kiem_tra()"
End Sub

Sub CapNhatTrangThai(control As IRibbonControl)
    RunPython "import tdkt_xl.excel.handlers as h; h.cap_nhat_trang_thai()"
End Sub

Sub TaoMauBaoCao(control As IRibbonControl)
    RunPython "import tdkt_xl.excel.handlers as h; h.tao_mau_bao_cao()"
End Sub

Sub TongHop(control As IRibbonControl)
    RunPython "import tdkt_xl.excel.handlers as h; h.tong_hop()"
End Sub

Sub DonDoc(control As IRibbonControl)
    RunPython "import tdkt_xl.excel.handlers as h; h.don_doc()"
End Sub

Sub HuongDan(control As IRibbonControl)
    RunPython "import tdkt_xl.excel.handlers as h; h.huong_dan()"
End Sub
