@echo off
chcp 65001 >nul
rem Go add-in TDKT (tdkt_xl @VERSION@): xoa add-in, bo dang ky voi Excel, xoa moi truong Python rieng.
rem Tep nay la UTF-8 khong BOM, dong CRLF, "chcp 65001" o dong 2 (xem CAI_DAT.bat).
setlocal EnableExtensions
cd /d "%~dp0"
title Gỡ cài đặt TĐKT (tdkt_xl @VERSION@)
echo ==================================================================
echo   Gỡ add-in TĐKT (tdkt_xl) khỏi Excel
echo ==================================================================
echo.

echo [1/3] Kiểm tra Excel đã đóng chưa ...
tasklist /FI "IMAGENAME eq EXCEL.EXE" /NH 2>nul | find /I "EXCEL.EXE" >nul
if not errorlevel 1 goto :excel_running

set "HOME_DIR=%LOCALAPPDATA%\tdkt_xl"
if defined TDKT_XL_HOME set "HOME_DIR=%TDKT_XL_HOME%"
set "VENV=%HOME_DIR%\venv"
echo [2/3] Gỡ add-in khỏi Excel ...
if not exist "%VENV%\Scripts\python.exe" goto :no_venv
"%VENV%\Scripts\python.exe" -m tdkt_xl addin uninstall
if errorlevel 1 goto :failed

echo [3/3] Xoá môi trường Python riêng ở "%VENV%" và nhật ký ...
rmdir /s /q "%VENV%"
del /q "%HOME_DIR%\tdkt_xl_excel.log*" 2>nul
rmdir "%HOME_DIR%" 2>nul

echo.
echo XONG. Mở lại Excel: thẻ TĐKT không còn. Python cài từ python.org vẫn giữ nguyên.
pause
exit /b 0

:no_venv
echo Không thấy tdkt_xl đã cài ở "%VENV%": không có gì để gỡ.
echo Nếu vẫn thấy thẻ TĐKT, xoá tệp "%APPDATA%\Microsoft\AddIns\tdkt_xl.xlam" khi Excel đã đóng.
pause
exit /b 0

:excel_running
echo.
echo Excel đang chạy. Hãy lưu sổ, đóng hết các cửa sổ Excel rồi chạy lại GO_CAI_DAT.bat.
goto :failed

:failed
echo CHƯA GỠ XONG.
pause
exit /b 1
