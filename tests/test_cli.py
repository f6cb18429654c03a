"""The tdkt-xl command: exact output, exit codes, JSON, the written status workbook."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from conftest import PHAN_CONG_HEADER, BookMaker
from openpyxl import load_workbook

from tdkt_xl.cli import cli
from tdkt_xl.intake.plan_workbook import load_plan
from tdkt_xl.plans.status import STATUS_COLORS, Status


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _log_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error no command expected is logged here, not in the user's own log."""
    monkeypatch.setenv("TDKT_XL_LOG", str(tmp_path / "tdkt_xl_cli.log"))


@pytest.fixture
def small_plan(make_book: BookMaker) -> Path:
    rows = [["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2024"], [*PHAN_CONG_HEADER, "Ngày hoàn thành"],
            ["1.", "Hướng dẫn tổng kết", "Phòng III", "Tháng 2", "26/02/2024"],
            ["2.", "Dự thảo báo cáo", "Phòng I", "Trước ngày 15/6", None],
            ["3.", "Lấy ý kiến góp ý", "Phòng Y", "Đầu tháng 7", None],
            ["4.", "Tuyên truyền", "Phòng II", "Thường xuyên", None]]
    return make_book({"Phân công": rows})


def test_every_command_has_help() -> None:
    group = cli
    assert isinstance(group, click.Group)
    for name, command in group.commands.items():
        code, output = run(name, "--help")
        assert code == 0, name
        assert command.help
        assert " ".join(command.help.split("\n")[0].split()) in " ".join(output.split())


def test_validate_exact_output(small_plan: Path) -> None:
    code, output = run("validate", str(small_plan))
    assert code == 0
    assert output == (
        f"Tệp: {small_plan}\n"
        'Sheet "Phân công": 4 nhiệm vụ\n'
        'Cảnh báo Phân công!C5     [unknown-unit] Đơn vị "Phòng Y" không có trong danh sách '
        "Đơn vị; có phải: Phòng I, Phòng II, Phòng III?\n"
        "Kết quả: hợp lệ (0 lỗi, 1 cảnh báo)\n"
    )


def test_validate_json_and_exit_one_on_errors(make_book: BookMaker) -> None:
    rows = [PHAN_CONG_HEADER, [1, "Việc", "Phòng I", "31/4"], [2, None, "Phòng I", "Tháng 2"]]
    path = make_book({"Phân công": rows})
    code, output = run("validate", str(path), "--json")
    assert code == 1
    report = json.loads(output)
    assert report == {
        "file": str(path),
        "valid": False,
        "sheets": {"Phân công": {"tasks": 2}},
        "issues": [
            {"severity": "error", "code": "deadline-impossible", "sheet": "Phân công",
             "cell": "D2", "message": 'Thời hạn "31/4" có ngày không tồn tại (31/4/2024).'},
            {"severity": "error", "code": "empty-content", "sheet": "Phân công", "cell": "B3",
             "message": "Nhiệm vụ 2 không có nội dung."},
        ],
    }


@pytest.mark.parametrize(("content", "kind_text"), [
    (b"", "tệp rỗng"),
    (b"<html><body>Loi</body></html>", "trang HTML"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003 .xls"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "mật khẩu"),
    (b"PK\x03\x04truncated", "ZIP"),
    (b"STT,Noi dung\n1,Viec A\n", "CSV"),
])
def test_validate_unreadable_file_exit_two(tmp_path: Path, content: bytes,
                                           kind_text: str) -> None:
    path = tmp_path / "ke_hoach.xlsx"
    path.write_bytes(content)
    code, output = run("validate", str(path))
    assert code == 2
    assert output.startswith(f"Lỗi: {path}: tệp là ")
    assert kind_text in output
    code, output = run("validate", str(path), "--json")
    assert code == 2
    assert json.loads(output)["valid"] is False


def test_status_json(small_plan: Path) -> None:
    code, output = run("status", str(small_plan), "--as-of", "2024-06-10", "--json")
    assert code == 0
    data = json.loads(output)
    assert data["as_of"] == "2024-06-10"
    assert data["tasks"][1] == {
        "sheet": "Phân công", "row": 4, "number": "2", "content": "Dự thảo báo cáo",
        "units": ["Phòng I"], "quarter": 2, "start": None, "due": "2024-06-15",
        "days_left": 5, "status": "Sắp đến hạn",
    }
    assert [t["status"] for t in data["tasks"]] == [
        "Đã hoàn thành", "Sắp đến hạn", "Chưa đến hạn", "Thường xuyên"]
    assert data["tasks"][2]["start"] == "2024-07-01"


def test_status_table_and_workbook(small_plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "ket_qua.xlsx"
    before = small_plan.read_bytes()
    code, output = run("status", str(small_plan), "--as-of", "16/06/2024", "--out", str(out))
    assert code == 0
    assert output.splitlines() == [
        "Năm kế hoạch 2024; trạng thái tính đến ngày 16/06/2024.",
        "Sheet      Dòng TT    Quý  Hạn          Còn  Trạng thái         Nội dung",
        "Phân công     3 1     I    29/02/2024        Đã hoàn thành      Hướng dẫn tổng kết",
        "Phân công     4 2     II   15/06/2024    -1  Quá hạn            Dự thảo báo cáo",
        "Phân công     5 3     III  10/07/2024    24  Chưa đến hạn       Lấy ý kiến góp ý",
        "Phân công     6 4                            Thường xuyên       Tuyên truyền",
        "Tổng 4 nhiệm vụ: Đã hoàn thành 1, Quá hạn 1, Chưa đến hạn 1, Thường xuyên 1.",
        'Có 0 lỗi, 1 cảnh báo (xem sheet "Kết quả kiểm tra").',
        f"Đã ghi: {out}",
    ]
    assert small_plan.read_bytes() == before  # the input is never modified
    book = load_workbook(out)
    ws = book["Phân công"]
    headers = [ws.cell(2, c).value for c in range(1, 10)]
    assert headers[4:9] == ["Ngày hoàn thành", "Quý", "Hạn", "Còn (ngày)", "Trạng thái"]
    assert [ws.cell(4, c).value for c in (6, 8, 9)] == ["II", -1, "Quá hạn"]
    assert ws.cell(4, 7).value.date().isoformat() == "2024-06-15"
    assert ws.cell(4, 7).number_format == "dd/mm/yyyy"
    assert ws.cell(4, 9).fill.fgColor.rgb.endswith(STATUS_COLORS[Status.OVERDUE][0])
    # the unknown unit's cell is marked and commented
    assert "Phòng Y" in ws["C5"].comment.text
    assert ws["C5"].fill.fgColor.rgb.endswith("FFEB9C")
    result = book["Kết quả kiểm tra"]
    assert result["A1"].value.startswith("Kết quả kiểm tra: 0 lỗi, 1 cảnh báo; 4 nhiệm vụ")
    assert [result.cell(4, c).value for c in range(1, 7)] == [
        1, "Cảnh báo", "unknown-unit", "Đơn vị không có trong danh sách", "Phân công", "C5"]
    assert result.cell(4, 6).hyperlink.location == "'Phân công'!C5"
    assert result.page_setup.orientation == "landscape" and result.print_title_rows == "$3:$3"


def test_status_twice_reuses_columns(small_plan: Path, tmp_path: Path) -> None:
    first = tmp_path / "lan1.xlsx"
    second = tmp_path / "lan2.xlsx"
    run("status", str(small_plan), "--as-of", "2024-06-16", "--out", str(first))
    code, _ = run("status", str(first), "--as-of", "2024-07-20", "--out", str(second))
    assert code == 0
    ws = load_workbook(second)["Phân công"]
    assert ws.max_column == 9
    assert ws.cell(5, 9).value == "Quá hạn"


def test_status_in_place_keeps_backup(small_plan: Path) -> None:
    before = small_plan.read_bytes()
    code, output = run("status", str(small_plan), "--in-place", "--as-of", "2024-06-16")
    assert code == 0
    backup = small_plan.with_name("plan.bak.xlsx")
    assert backup.read_bytes() == before
    assert "Kết quả kiểm tra" in load_workbook(small_plan).sheetnames
    code, output = run("status", str(small_plan), "--out", str(small_plan))
    assert code == 2
    assert "dùng --in-place" in output


def test_status_keeps_formatting_and_formulas(tmp_path: Path, sample_plan: Path) -> None:
    copy = tmp_path / "mau.xlsx"
    shutil.copy(sample_plan, copy)
    book = load_workbook(copy)
    book["Phân công"]["F8"] = "=1+1"
    book.save(copy)
    out = tmp_path / "ra.xlsx"
    code, _ = run("status", str(copy), "--out", str(out))
    assert code == 0
    source, result = load_workbook(copy), load_workbook(out)
    for name in ("Phụ lục", "Phân công"):
        a, b = source[name], result[name]
        # the table's merges kept; the title lines above it may be merged across the columns of the
        # first page only (a wide sheet printed across pages would cut them: issue 16)
        header = next(sheet.header_row for sheet in load_plan(copy).sheets if sheet.name == name)
        assert {str(r) for r in a.merged_cells.ranges if r.min_row >= header} \
            == {str(r) for r in b.merged_cells.ranges if r.min_row >= header}
        assert {r.min_row for r in a.merged_cells.ranges if r.min_row < header} \
            == {r.min_row for r in b.merged_cells.ranges if r.min_row < header}
        assert a.freeze_panes == b.freeze_panes
        assert a["B7"].font.bold == b["B7"].font.bold
        assert a.column_dimensions["B"].width == b.column_dimensions["B"].width
    assert result["Phân công"]["F8"].value == "=1+1"


def test_python_dash_m_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "tdkt_xl", "--version"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "tdkt-xl, version 0.1.0"


def test_sample_command_writes_workbook(tmp_path: Path) -> None:
    out = tmp_path / "mau.xlsx"
    code, output = run("sample", str(out))
    assert code == 0
    assert output == f"Đã ghi sổ mẫu: {out}\n"
    code, _ = run("validate", str(out))
    assert code == 0


def test_status_copy_that_cannot_be_written_says_why(small_plan: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "la_tep"
    blocker.write_bytes(b"")  # a file where the output folder should be
    code, output = run("status", str(small_plan), "--as-of", "16/06/2024", "--out", str(blocker / "kq.xlsx"))
    assert code == 2
    assert output.splitlines()[-1] == (f"Lỗi: không ghi được {blocker / 'kq.xlsx'}: "
                                       "đã có một tệp cùng tên ở đó.")


@pytest.mark.parametrize(("command", "expected"), [
    (["validate"], "[no-deadline]"),
    (["validate", "--json"], '"code": "no-deadline"'),
    (["status", "--as-of", "2024-07-01", "--json"], '"status": "Chưa xác định hạn"'),
    (["status", "--as-of", "2024-07-01"], "Chưa xác định hạn"),
])
def test_topic_section_named_quy_che_is_not_a_crash(make_book: BookMaker, command: list[str],
                                                    expected: str) -> None:
    rows: list[list[object]] = [["STT", "Nội dung thực hiện", "Đơn vị chỉ đạo", "Đơn vị thực hiện"]]
    for roman, topic in [("III", "Quy chế, quy định về thi đua"), ("VI", "Quyết định khen thưởng đột xuất")]:
        rows += [[roman, topic], [1, f"Việc mục {roman}", "UBND tỉnh", "Phòng I"]]
    path = make_book({"Phụ lục": rows})
    code, output = run(command[0], str(path), *command[1:])
    assert code == 0
    assert expected in output


@pytest.mark.parametrize(("header", "value"), [("Quý", "II"), ("Hạn", "Tháng 5")])
def test_status_copy_keeps_the_staff_quarter_and_deadline_cells(make_book: BookMaker, tmp_path: Path,
                                                                header: str, value: str) -> None:
    rows = [["STT", "Nội dung", "Đơn vị thực hiện", header, "Ghi chú"],
            [1, "Việc", "Phòng I", value, "giữ nguyên"], [2, "Việc khác", "Phòng II", value, None]]
    path = make_book({"Phụ lục": rows})
    first, second = tmp_path / "lan1.xlsx", tmp_path / "lan2.xlsx"
    assert run("status", str(path), "--as-of", "2024-07-01", "--out", str(first))[0] == 0
    assert run("status", str(first), "--as-of", "2024-09-01", "--out", str(second))[0] == 0
    for out, days in ((first, -1 if header == "Quý" else -31), (second, -63 if header == "Quý" else -93)):
        ws = load_workbook(out)["Phụ lục"]
        assert [ws.cell(1, c).value for c in range(1, 10)] == [
            "STT", "Nội dung", "Đơn vị thực hiện", header, "Ghi chú",
            "Quý", "Hạn", "Còn (ngày)", "Trạng thái"]
        assert [ws.cell(2, c).value for c in (4, 5)] == [value, "giữ nguyên"]
        assert [ws.cell(2, c).value for c in (6, 8, 9)] == ["II", days, "Quá hạn"]


def _as_xlsm(source: Path, target: Path) -> Path:
    """``source`` as a macro-enabled workbook (a VBA part and the macro content type)."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "[Content_Types].xml":
                vba = b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
                data = data.replace(b"</Types>", vba + b"</Types>")
                data = data.replace(b"application/vnd.openxmlformats-officedocument.sheet.macroEnabled",
                                    b"application/vnd.ms-excel.sheet.macroEnabled")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.'
                                    b'microsoft.com/office/2006/relationships/vbaProject" '
                                    b'Target="vbaProject.bin"/></Relationships>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 508)
    return target


@pytest.mark.parametrize(("out_name", "macros"), [(None, True), ("ra.xlsm", True), ("ra.xlsx", False)])
def test_status_copy_of_a_macro_workbook(small_plan: Path, tmp_path: Path, out_name: str | None,
                                         macros: bool) -> None:
    import zipfile

    plan = _as_xlsm(small_plan, tmp_path / "ke_hoach.xlsm")
    options = ["--out", str(tmp_path / out_name)] if out_name else []
    code, output = run("status", str(plan), "--as-of", "2024-06-16", *options)
    assert code == 0
    written = tmp_path / (out_name or "ke_hoach_trang_thai.xlsm")
    assert f"Đã ghi: {written}" in output
    with zipfile.ZipFile(written) as archive:
        types = archive.read("[Content_Types].xml")
        assert ("xl/vbaProject.bin" in archive.namelist()) == macros
        assert (b"macroEnabled.main+xml" in types) == macros
    assert ("không giữ được macro" in output) == (not macros)
    assert load_workbook(written, keep_vba=macros)["Phân công"].cell(4, 9).value == "Quá hạn"


def test_status_copy_of_a_plain_workbook_cannot_be_xlsm(small_plan: Path, tmp_path: Path) -> None:
    code, output = run("status", str(small_plan), "--out", str(tmp_path / "ra.xlsm"))
    assert code == 2
    assert "phải có đuôi .xlsx" in output
    assert not (tmp_path / "ra.xlsm").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["consolidate"], "Cách dùng: tdkt-xl consolidate [TUỲ_CHỌN] HỘP_THƯ\n"
                      "Xem 'tdkt-xl consolidate -h' để biết thêm.\n\nLỗi: Thiếu đối số HỘP_THƯ.\n"),
    (["nightly", "--plann", "x"], "Cách dùng: tdkt-xl nightly [TUỲ_CHỌN]\n"
                                  "Xem 'tdkt-xl nightly -h' để biết thêm.\n\n"
                                  "Lỗi: Không có tuỳ chọn --plann. Có phải là --plan?\n"),
    (["tonghop"], "Cách dùng: tdkt-xl [TUỲ_CHỌN] LỆNH [ĐỐI_SỐ]...\nXem 'tdkt-xl -h' để biết thêm.\n\n"
                  "Lỗi: Không có lệnh 'tonghop'.\n"),
    (["nightly", "--workers", "abc"], "Cách dùng: tdkt-xl nightly [TUỲ_CHỌN]\n"
                                      "Xem 'tdkt-xl nightly -h' để biết thêm.\n\n"
                                      "Lỗi: Giá trị không dùng được cho --workers: 'abc' không phải một số "
                                      "nguyên.\n"),
    (["validate", "a", "b"], "Cách dùng: tdkt-xl validate [TUỲ_CHỌN] TỆP\n"
                             "Xem 'tdkt-xl validate -h' để biết thêm.\n\nLỗi: Thừa đối số: b.\n"),
])
def test_a_command_line_that_cannot_be_taken_is_said_in_vietnamese(args: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, args, prog_name="tdkt-xl")
    assert result.exit_code == 2
    assert result.stderr == said


def test_a_folder_that_is_not_there_is_named_in_vietnamese(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "khong_co"), "--plan", "x"],
                                prog_name="tdkt-xl")
    assert result.exit_code == 2
    missing = tmp_path / "khong_co"
    assert result.stderr.endswith(f"Lỗi: Giá trị không dùng được cho HỘP_THƯ: không có '{missing}'.\n")


def test_status_of_a_task_with_two_deadlines_shows_the_one_it_is_measured_against(
        make_book: BookMaker) -> None:
    """A cell naming two deadlines: before the first, the first; once it is met, the second."""
    rows = [["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2024"], [*PHAN_CONG_HEADER, "Ngày hoàn thành"],
            ["1.", "Báo cáo sơ kết và tổng kết", "Phòng I", "Trước ngày 15/6 và trước ngày 01/12", None],
            ["2.", "Báo cáo hai kỳ", "Phòng II", "Trước ngày 15/6 và trước ngày 01/12", "10/06/2024"]]
    plan = make_book({"Phân công": rows})
    code, output = run("status", str(plan), "--as-of", "2024-06-10", "--json")
    assert code == 0
    tasks = json.loads(output)["tasks"]
    assert [(t["due"], t["days_left"], t["status"]) for t in tasks] == [
        ("2024-06-15", 5, "Sắp đến hạn"), ("2024-12-01", None, "Đã hoàn thành")]
    code, output = run("status", str(plan), "--as-of", "2024-06-10", "--out", str(plan.parent / "ra.xlsx"))
    lines = [line for line in output.splitlines() if line.startswith("Phân công")]
    assert [line.split()[4:6] for line in lines] == [["II", "15/06/2024"], ["IV", "01/12/2024"]]


# --- field hardening: wrong arguments, Vietnamese help, UTF-8 output whatever the console ---------

_BAD_FILES = ["folder", "missing", "unreadable", "docx", "pdf", "csv", "empty", "lying-extension",
              "wrong-extension", "master", "unit-report", "missing-nfd", "folder-no-diacritics"]


def _bad_file(root: Path, kind: str, field: dict[str, Path]) -> Path:
    """A path of the ``kind`` given where a plan workbook is expected."""
    import os
    import zipfile

    if kind == "folder":
        (root / "la_thu_muc.xlsx").mkdir(exist_ok=True)
        return root / "la_thu_muc.xlsx"
    if kind == "missing":
        return root / "khong_co.xlsx"
    if kind == "missing-nfd":  # a Vietnamese name as macOS and some unzip tools write it
        return root / unicodedata.normalize("NFD", "Kế hoạch thi đua năm 2024.xlsx")
    if kind == "folder-no-diacritics":
        (root / "Ke hoach thi dua").mkdir(exist_ok=True)
        return root / "Ke hoach thi dua"
    if kind == "wrong-extension":  # a text file given as the plan
        (root / "ke_hoach.txt").write_text("Kế hoạch thi đua năm 2024\n", encoding="utf-8")
        return root / "ke_hoach.txt"
    path = root / f"{kind}.xlsx"
    if kind == "unreadable":
        shutil.copy(field["plan"], path)
        os.chmod(path, 0)
    elif kind == "docx":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" '
                             'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml'
                             '.document.main+xml"/></Types>')
            archive.writestr("word/document.xml", "<w:document/>")
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
    elif kind == "csv":
        path.write_text("STT,Nội dung,Đơn vị\n1,Việc,Phòng I\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "lying-extension":  # a real .xlsx named as an old .xls
        path = root / "ke_hoach_that.xls"
        shutil.copy(field["plan"], path)
    else:
        shutil.copy(field[kind], path)
    return path


@pytest.fixture(scope="module")
def field(tmp_path_factory: pytest.TempPathFactory, demo_round: Any) -> dict[str, Path]:
    """A plan, an inbox with reports, a master and a unit report, as the demo leaves them."""
    root, _ = demo_round(tmp_path_factory.mktemp("field") / "demo")
    report = next(p for p in sorted((root / "mau_bao_cao").iterdir()) if p.suffix == ".xlsx")
    a_file = root / "mot_tep.txt"
    a_file.write_text("không phải thư mục", encoding="utf-8")
    return {"plan": root / "ke_hoach_mau.xlsx", "inbox": root / "hop_thu", "master": root / "tong_hop.xlsx",
            "unit-report": report, "file": a_file, "root": root}


# each command with "{bad}" where a plan (or another workbook file) is expected; the exit codes a
# command documents besides 2 for the file kinds it may take as a workbook (1: not a plan)
_PLAN_SLOTS = [
    ["validate", "{bad}"],
    ["validate", "{bad}", "--json"],
    ["status", "{bad}", "--out", "{out}/ra.xlsx"],
    ["status", "{bad}", "--json"],
    ["unit-reports", "{bad}", "--out", "{out}/mau"],
    ["consolidate", "{inbox}", "--plan", "{bad}", "--out", "{out}/tong_hop.xlsx"],
    ["nightly", "--plan", "{bad}", "--inbox", "{inbox}", "--out", "{out}/tong_hop.xlsx"],
    ["history", "P01", "--state", "{bad}"],
    ["bao-cao", "{inbox}", "--plan", "{bad}", "--out", "{out}/du_thao.docx"],
]


def _args(template: list[str], **values: Path) -> list[str]:
    return [part.format(**{k: str(v) for k, v in values.items()}) for part in template]


def _check_said_in_vietnamese(result: Any, path: Path, allowed: set[int]) -> None:
    said = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), said
    assert "Traceback" not in said
    assert result.exit_code in allowed, said
    if result.exit_code == 2:
        assert str(path) in said or path.name in said, said
        assert re.search(r"[ạảãáàâấầẩẫậăắằẳẵặđêếềểễệệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ]",
                         said.lower()), said
        for english in ("Error", "Usage", "does not exist", "is a directory", "BadZipFile",
                        "Permission denied", "database", "not a ", "No such"):
            assert english not in said, said


@pytest.mark.parametrize("kind", _BAD_FILES)
@pytest.mark.parametrize("template", _PLAN_SLOTS, ids=lambda t: "-".join(t[:2]).strip("{}"))
def test_a_wrong_plan_argument_is_a_vietnamese_message(field: dict[str, Path], tmp_path: Path,
                                                      template: list[str], kind: str) -> None:
    import os

    if kind == "unreadable" and os.geteuid() == 0:
        pytest.skip("root reads every file")
    bad = _bad_file(tmp_path, kind, field)
    args = _args(template, bad=bad, out=tmp_path, inbox=field["inbox"])
    result = CliRunner().invoke(cli, args, prog_name="tdkt-xl")
    # a workbook that is not a plan is reported by the plan's check (1) where a command says so;
    # a real plan whose extension lies is read for what it is
    allowed = {2} | ({0, 1} if kind in ("master", "unit-report", "lying-extension") else set())
    if template[0] == "history":
        allowed = {2}
    elif template[0] == "nightly":
        allowed |= {1}  # (its summary names what it could not use)
    _check_said_in_vietnamese(result, bad, allowed)


_PLACES = [
    # (the command, the argument given the wrong kind of path, what it should be)
    (["consolidate", "{bad}", "--plan", "{plan}", "--out", "{out}/tong_hop.xlsx"], "folder"),
    (["consolidate", "{inbox}", "--plan", "{plan}", "--out", "{bad}"], "file"),
    (["bao-cao", "{bad}", "--plan", "{plan}", "--out", "{out}/du_thao.docx"], "folder"),
    (["bao-cao", "{inbox}", "--plan", "{plan}", "--out", "{bad}"], "file"),
    (["bao-cao", "{inbox}", "--plan", "{plan}", "--out", "{out}/du_thao.docx", "--state", "{bad}"], "file"),
    (["bao-cao", "{inbox}", "--plan", "{plan}", "--out", "{out}/du_thao.docx", "--de-cuong", "{bad}"],
     "file"),
    (["unit-reports", "{plan}", "--out", "{bad}"], "folder"),
    (["status", "{plan}", "--out", "{bad}"], "file"),
    (["nightly", "--plan", "{plan}", "--inbox", "{bad}", "--out", "{out}/tong_hop.xlsx"], "folder"),
    (["nightly", "--plan", "{plan}", "--inbox", "{inbox}", "--out", "{bad}"], "file"),
    (["nightly", "--plan", "{plan}", "--inbox", "{inbox}", "--out", "{out}/tong_hop.xlsx",
      "--quarantine", "{bad}"], "folder"),
    (["nightly", "--config", "{bad}"], "file"),
    (["demo", "{bad}"], "folder"),
    (["sample", "{bad}"], "file"),
    (["addin", "build", "--out", "{bad}"], "file"),
    (["addin", "build", "--out", "{out}/a.xlam", "--macros", "{bad}"], "folder"),
]


@pytest.mark.parametrize("wrong", ["missing", "other-kind"])
@pytest.mark.parametrize(("template", "expected"), _PLACES,
                         ids=lambda v: "-".join(v[:2]) if isinstance(v, list) else v)
def test_a_folder_for_a_file_or_a_file_for_a_folder_is_a_vietnamese_message(
        field: dict[str, Path], tmp_path: Path, template: list[str], expected: str, wrong: str) -> None:
    if wrong == "missing":
        if expected == "file" or template[0] in ("demo",) or "--macros" in template:
            bad = tmp_path / "khong_co" / "con" / ("x.xlsx" if expected == "file" else "thu_muc")
        else:
            bad = tmp_path / "khong_co"
    elif expected == "file":  # a folder where a file is wanted
        bad = tmp_path / "la_thu_muc.xlsx"
        bad.mkdir()
    else:  # a file where a folder is wanted
        bad = tmp_path / "la_tep"
        bad.write_text("tệp", encoding="utf-8")
    args = _args(template, bad=bad, out=tmp_path, inbox=field["inbox"], plan=field["plan"])
    result = CliRunner().invoke(cli, args, prog_name="tdkt-xl")
    # a missing output folder is made; a missing inbox is the nightly run's own failure (2)
    allowed = {2} if wrong == "other-kind" else {0, 1, 2}
    _check_said_in_vietnamese(result, bad, allowed)


def _help(*args: str) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="tdkt-xl", terminal_width=100)
    assert result.exit_code == 0
    return result.output


def _every_command(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [path]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _every_command(command, (*path, name))
        else:
            found.append((*path, name))
    return found


@pytest.mark.parametrize("path", _every_command(), ids=lambda p: " ".join(p) or "tdkt-xl")
def test_help_says_no_english_word_of_click(path: tuple[str, ...]) -> None:
    said = _help(*path)
    for english in ("Usage:", "Options:", "Commands:", "Arguments:", "[required]", "default:",
                    "[OPTIONS]", "COMMAND", "[ARGS]", "Show this message", "Show the version",
                    "PATH", "INTEGER", "FLOAT", "TEXT", "FILENAME", "DIRECTORY", "FILE", "%Y", "%d"):
        assert english not in said, (english, said)
    assert said.startswith(f"Cách dùng: {' '.join(('tdkt-xl', *path))} [TUỲ_CHỌN]")


def test_validate_help_exact() -> None:
    assert _help("validate") == (
        "Cách dùng: tdkt-xl validate [TUỲ_CHỌN] TỆP\n"
        "\n"
        "  Kiểm tra sổ kế hoạch TỆP: cấu trúc, số thứ tự, đơn vị, thời hạn.\n"
        "\n"
        "  Mã thoát: 0 không có lỗi (có thể có cảnh báo), 1 có lỗi, 2 không đọc được tệp.\n"
        "\n"
        "Tuỳ chọn:\n"
        "  --json            In kết quả dạng JSON.\n"
        "  --year SỐ_NGUYÊN  Năm kế hoạch (mặc định: sheet Cấu hình, rồi tiêu đề).\n"
        "  -h, --help        In hướng dẫn này rồi thoát.\n"
    )


def test_consolidate_help_exact() -> None:
    assert _help("consolidate") == (
        "Cách dùng: tdkt-xl consolidate [TUỲ_CHỌN] HỘP_THƯ\n"
        "\n"
        "  Tổng hợp mọi sổ báo cáo trong HỘP_THƯ (cả thư mục con) vào sổ tổng hợp.\n"
        "\n"
        "  Mã thoát: 0 mọi tệp được dùng, 1 có tệp bị loại, 2 không đọc được sổ kế hoạch hoặc không ghi"
        " được\n"
        "  sổ tổng hợp.\n"
        "\n"
        "Tuỳ chọn:\n"
        "  --plan TỆP           Sổ kế hoạch.  [bắt buộc]\n"
        "  --out TỆP            Sổ tổng hợp sẽ ghi (bản cũ được giữ dạng .bak.xlsx).  [bắt buộc]\n"
        "  --as-of dd/mm/yyyy   Ngày tính, dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: Cấu hình, rồi hôm nay).\n"
        "  --json               In tóm tắt dạng JSON.\n"
        "  --workers SỐ_NGUYÊN  Số tiến trình đọc tệp.  [mặc định: 2]\n"
        "  --timeout SỐ         Số giây tối đa để đọc một tệp.  [mặc định: 60]\n"
        "  -h, --help           In hướng dẫn này rồi thoát.\n"
    )


@pytest.mark.parametrize("args", [[], ["addin"]])
def test_a_group_given_no_command_shows_its_help(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args, prog_name="tdkt-xl")
    assert result.exit_code == 0
    assert result.output.startswith(f"Cách dùng: {' '.join(['tdkt-xl', *args])} [TUỲ_CHỌN] LỆNH")
    assert "Lệnh:" in result.output
    assert not result.stderr


@pytest.mark.parametrize("typed", ["16/06/2024", "2024-06-16", " 16/06/2024 "])
def test_a_day_is_typed_either_way(small_plan: Path, typed: str) -> None:
    code, output = run("status", str(small_plan), "--as-of", typed, "--json")
    assert code == 0
    assert json.loads(output)["as_of"] == "2024-06-16"


@pytest.mark.parametrize("typed", ["16.06.2024", "2024/06/16", "31/02/2024", "ngày mai"])
def test_a_day_that_cannot_be_read_is_said_with_the_format(small_plan: Path, typed: str) -> None:
    result = CliRunner().invoke(cli, ["status", str(small_plan), "--as-of", typed], prog_name="tdkt-xl")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Lỗi: Giá trị không dùng được cho --as-of: '{typed}' không phải một ngày dạng dd/mm/yyyy "
        "(hoặc yyyy-mm-dd).")


def _tdkt(*args: str, env: dict[str, str], cwd: Path, out: Path) -> int:
    import os

    script = "import sys; from tdkt_xl.cli import main; sys.argv[0] = 'tdkt-xl'; main()"
    with out.open("wb") as sink:
        return subprocess.run([sys.executable, "-c", script, *args], stdout=sink, stderr=subprocess.STDOUT,
                              env={**os.environ, **env}, cwd=cwd, timeout=300).returncode


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "cp1258"])
def test_redirected_output_is_utf8_whatever_the_code_page(field: dict[str, Path], tmp_path: Path,
                                                          encoding: str) -> None:
    """The Windows scheduler line: output redirected to a file, the ANSI code page without "ệ"."""
    env = {"PYTHONIOENCODING": encoding, "PYTHONUTF8": "0", "PYTHONPATH": str(Path(__file__).parents[1])}
    out = tmp_path / "kq.txt"
    assert _tdkt("validate", str(field["plan"]), env=env, cwd=tmp_path, out=out) == 0
    text = out.read_bytes().decode("utf-8")
    assert "Kết quả: hợp lệ" in text and "Traceback" not in text
    assert unicodedata.normalize("NFC", text) == text
    # a failure, on stderr, too; and a nightly run
    assert _tdkt("validate", str(tmp_path / "không_có.xlsx"), env=env, cwd=tmp_path, out=out) == 2
    assert f"Lỗi: {tmp_path / 'không_có.xlsx'}" in out.read_bytes().decode("utf-8")
    assert _tdkt("nightly", "--plan", str(field["plan"]), "--inbox", str(field["inbox"]), "--out",
                 str(tmp_path / "tong_hop.xlsx"), env=env, cwd=tmp_path, out=out) in (0, 1)
    text = out.read_bytes().decode("utf-8")
    assert "Đơn vị:" in text and "Traceback" not in text


def test_history_shows_days_and_times_as_people_write_them(field: dict[str, Path], tmp_path: Path) -> None:
    master = tmp_path / "tong_hop.xlsx"
    code, _ = run("nightly", "--plan", str(field["plan"]), "--inbox", str(field["inbox"]),
                  "--out", str(master), "--fresh-seconds", "0")
    assert code in (0, 1)
    state = master.with_name("tong_hop.tdkt.sqlite")
    code, output = run("history", "P1", "--state", str(state))
    lines = output.splitlines()[1:]
    assert code == 0 and lines
    for line in lines:
        assert re.match(r"  \d\d/\d\d/\d{4} \d\d:\d\d  ", line), line
        assert not re.search(r"\d{4}-\d\d-\d\d", line), line
    code, output = run("history", "P1", "--state", str(state), "--json")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", json.loads(output)["submissions"][0]["first_seen"])


@pytest.mark.parametrize(("error", "said"), [
    (RuntimeError("boom: an English detail"), "Lỗi: lệnh không thực hiện được vì một lỗi ngoài dự kiến."),
    (OSError(28, "No space left on device", "tong_hop.xlsx"), "Lỗi: Hết chỗ trống trên đĩa: tong_hop.xlsx."),
])
def test_an_error_no_command_expected_goes_to_the_log(small_plan: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, error: Exception,
                                                      said: str) -> None:
    import tdkt_xl.cli as the_cli

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(the_cli, "plan_status", broken)
    result = CliRunner().invoke(cli, ["status", str(small_plan)], prog_name="tdkt-xl")
    assert result.exit_code == 2
    log = tmp_path / "tdkt_xl_cli.log"
    assert result.stderr == f"{said} Chi tiết đã ghi vào nhật ký {log}.\n"
    kept = log.read_text(encoding="utf-8")
    assert "Traceback" in kept and type(error).__name__ in kept
    assert type(error).__name__ not in result.output


class _Stream(io.StringIO):
    def __init__(self, refuse: int) -> None:
        super().__init__()
        self.refuse, self.calls = refuse, []

    def reconfigure(self, **settings: str) -> None:
        self.calls.append(settings)
        if len(self.calls) <= self.refuse:
            raise io.UnsupportedOperation("no")


@pytest.mark.parametrize("refuse", [0, 1, 2])
def test_the_streams_are_made_utf8_and_never_raise(monkeypatch: pytest.MonkeyPatch, refuse: int) -> None:
    from tdkt_xl.cli_output import utf8_streams

    out, err = _Stream(refuse), _Stream(refuse)
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    utf8_streams()
    for stream in (out, err):
        assert stream.calls[0] == {"encoding": "utf-8", "errors": "backslashreplace"}
        assert len(stream.calls) == (1 if refuse == 0 else 2)
    monkeypatch.setattr(sys, "stdout", io.StringIO())  # a stream that cannot be reconfigured
    utf8_streams()


@pytest.mark.parametrize(("body", "where"), [("plan = ", "ở cuối tệp"),
                                             ('plan = "a.xlsx"\nx = = 1\ninbox = "h"', "ở dòng 2, cột 5")])
def test_a_config_file_that_is_not_toml_is_said_in_vietnamese(tmp_path: Path, body: str, where: str) -> None:
    config = tmp_path / "tdkt.toml"
    config.write_text(body, encoding="utf-8")
    result = CliRunner().invoke(cli, ["nightly", "--config", str(config)], prog_name="tdkt-xl")
    assert result.exit_code == 2
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"Lỗi: {config}: tệp cấu hình sai cú pháp TOML {where}. Mỗi dòng dạng"), last
    assert "line" not in last and "column" not in last


def test_status_copy_links_to_a_sheet_whose_name_has_a_quote(make_book: BookMaker, tmp_path: Path) -> None:
    """A link's location quotes the sheet's name with a quote in it doubled, as Excel writes it."""
    rows = [["BẢNG PHÂN CÔNG NHIỆM VỤ NĂM 2024"], PHAN_CONG_HEADER,
            ["1.", "Lấy ý kiến góp ý", "Phòng Y", "Đầu tháng 7"]]
    plan = make_book({"Phân công Q'3": rows})
    out = tmp_path / "ket_qua.xlsx"
    code, _ = run("status", str(plan), "--as-of", "16/06/2024", "--out", str(out))
    assert code == 0
    result = load_workbook(out)["Kết quả kiểm tra"]
    assert [result.cell(4, c).value for c in (3, 5, 6)] == ["unknown-unit", "Phân công Q'3", "C3"]
    assert result.cell(4, 6).hyperlink.location == "'Phân công Q''3'!C3"
