"""The tdkt-xl command: exact output, exit codes, JSON, the written status workbook."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import PHAN_CONG_HEADER, BookMaker
from openpyxl import load_workbook

from tdkt_xl.cli import cli
from tdkt_xl.plans.status import STATUS_COLORS, Status


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


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
    assert [result.cell(4, c).value for c in range(1, 6)] == [
        1, "Cảnh báo", "unknown-unit", "Phân công", "C5"]
    assert result.cell(4, 5).hyperlink.location == "'Phân công'!C5"


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
        assert a.merged_cells.ranges == b.merged_cells.ranges
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
    (["consolidate"], "Cách dùng: tdkt-xl consolidate [OPTIONS] INBOX\n"
                      "Xem 'tdkt-xl consolidate -h' để biết thêm.\n\nLỗi: Thiếu đối số INBOX.\n"),
    (["nightly", "--plann", "x"], "Cách dùng: tdkt-xl nightly [OPTIONS]\n"
                                  "Xem 'tdkt-xl nightly -h' để biết thêm.\n\n"
                                  "Lỗi: Không có tuỳ chọn --plann. Có phải là --plan?\n"),
    (["tonghop"], "Cách dùng: tdkt-xl [OPTIONS] COMMAND [ARGS]...\nXem 'tdkt-xl -h' để biết thêm.\n\n"
                  "Lỗi: Không có lệnh 'tonghop'.\n"),
    (["nightly", "--workers", "abc"], "Cách dùng: tdkt-xl nightly [OPTIONS]\n"
                                      "Xem 'tdkt-xl nightly -h' để biết thêm.\n\n"
                                      "Lỗi: Giá trị không dùng được cho --workers: 'abc' không phải một số "
                                      "nguyên.\n"),
    (["validate", "a", "b"], "Cách dùng: tdkt-xl validate [OPTIONS] FILE\n"
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
    assert result.stderr.endswith(f"Lỗi: Giá trị không dùng được cho INBOX: không có '{missing}'.\n")


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
