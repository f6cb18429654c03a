@echo off
chcp 65001 >nul
rem Cai dat add-in TDKT (tdkt_xl @VERSION@) tu bo cai nay, khong can Internet.
rem Tep nay la UTF-8 khong BOM, dong CRLF: "chcp 65001" o dong 2 de cmd.exe doc dung chu tieng Viet
rem cua cac dong sau (Windows 10 tro len).
setlocal EnableExtensions
cd /d "%~dp0"
title Cài đặt TĐKT (tdkt_xl @VERSION@)
echo ==================================================================
echo   Cài đặt add-in TĐKT (tdkt_xl @VERSION@) cho Excel
echo ==================================================================
echo.

echo [1/5] Kiểm tra Excel đã đóng chưa ...
tasklist /FI "IMAGENAME eq EXCEL.EXE" /NH 2>nul | find /I "EXCEL.EXE" >nul
if not errorlevel 1 goto :excel_running

echo [2/5] Tìm Python 3.11, 3.12 hoặc 3.13 đã cài từ python.org ...
set "PY="
for %%V in (3.13 3.12 3.11) do if not defined PY (py -%%V -c "import sys" >nul 2>&1 && set "PY=py -%%V")
if not defined PY (python -c "import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))" >nul 2>&1 && set "PY=python")
if not defined PY goto :no_python
%PY% -c "import sys; sys.exit('windowsapps' in (sys.executable + sys.base_prefix).lower())" >nul 2>&1
if errorlevel 1 goto :store_python
echo       Dùng: %PY%

set "HOME_DIR=%LOCALAPPDATA%\tdkt_xl"
if defined TDKT_XL_HOME set "HOME_DIR=%TDKT_XL_HOME%"
set "VENV=%HOME_DIR%\venv"
echo [3/5] Tạo môi trường Python riêng cho tdkt_xl ở "%VENV%" ...
if exist "%VENV%" rmdir /s /q "%VENV%"
%PY% -m venv "%VENV%"
if errorlevel 1 goto :venv_failed

echo [4/5] Cài tdkt_xl và các gói cần thiết từ thư mục wheels, không cần Internet ...
"%VENV%\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --disable-pip-version-check --no-warn-script-location --quiet tdkt_xl
if errorlevel 1 goto :pip_failed

echo [5/5] Cài add-in TĐKT vào Excel ...
"%VENV%\Scripts\python.exe" -m tdkt_xl addin install
if errorlevel 1 goto :addin_failed

echo.
echo XONG. Mở Excel: thẻ TĐKT hiện trên ribbon. Hướng dẫn sử dụng: HUONG_DAN.pdf trong thư mục này.
echo Gỡ cài đặt: chạy GO_CAI_DAT.bat.
pause
exit /b 0

:excel_running
echo.
echo Excel đang chạy. Hãy lưu sổ, đóng hết các cửa sổ Excel rồi chạy lại CAI_DAT.bat.
goto :failed

:no_python
echo.
echo Không tìm thấy Python 3.11, 3.12 hoặc 3.13. Hãy cài Python từ https://www.python.org/downloads/windows/
echo bản "Windows installer 64-bit", rồi chạy lại CAI_DAT.bat. Không dùng Python của Microsoft Store.
goto :failed

:store_python
echo.
echo Python tìm thấy là bản của Microsoft Store: Excel không dùng được bản này.
echo Hãy cài Python từ https://www.python.org/downloads/windows/ rồi chạy lại CAI_DAT.bat.
goto :failed

:venv_failed
echo.
echo Không tạo được môi trường Python ở "%VENV%".
echo Nếu tên người dùng Windows có dấu, đặt biến TDKT_XL_HOME=C:\tdkt_xl rồi chạy lại.
goto :failed

:pip_failed
echo.
echo Không cài được tdkt_xl từ thư mục wheels: bộ cài có thể thiếu tệp, hoặc phiên bản Python không
echo được hỗ trợ. Hãy giải nén lại toàn bộ tệp zip rồi chạy lại.
goto :failed

:addin_failed
echo.
echo Không cài được add-in vào Excel: xem thông báo ở trên.
goto :failed

:failed
echo CHƯA CÀI XONG.
pause
exit /b 1
