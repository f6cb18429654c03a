"""The tables of the sample plan workbook, transcribed from two real plans (see the seed file
named above each constant): the Phụ lục and Phân công tables, the units they name, the
Cấu hình settings. :mod:`tdkt_xl.demo.sample_plan` lays them out in a workbook.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = [
    "APPENDIX_SECTIONS",
    "ASSIGNMENT_ROWS",
    "CONFIG_ROWS",
    "UNITS",
    "AppendixTask",
    "AssignmentRow",
    "Unit",
]


@dataclass(frozen=True)
class AppendixTask:
    """One task row of the "Phụ lục" table."""

    content: str
    directing: str
    implementing: str
    cooperating: str = ""
    done: dt.date | None = None
    continuation: str = ""  # content typed into a second row under the task


@dataclass(frozen=True)
class AssignmentRow:
    """One row of the "Phân công" table; ``number`` is "" on a sub-row."""

    number: str
    content: str
    unit: str
    deadline: str
    done: dt.date | None = None


@dataclass(frozen=True)
class Unit:
    """One row of the "Đơn vị" sheet."""

    code: str
    name: str
    aliases: str = ""
    kind: str = "Đơn vị"
    email: str = ""


_BTDKT = "Ban Thi đua - Khen thưởng, Sở Nội vụ"
_BTDKT_LOWER = "Ban Thi đua - khen thưởng, Sở Nội vụ"  # the seed's own mixed case
_CUM_DBSH = "Cụm trưởng cụm TĐ các tỉnh ĐBSH"
_DP_CUM = "Các địa phương, đơn vị, các Cụm, Khối thi đua"
_HD = "Hội đồng TĐKT tỉnh"
_HDSK = "Hội đồng sáng kiến cấp tỉnh"
_HDSK_NGANH = "Hội đồng sáng kiến ngành giáo dục và các huyện, thị xã, thành phố"
_UBND = "UBND tỉnh"

# Seed: /work/shared/seeds/003_0a1aa67df8461fe0.txt, "PHỤ LỤC THỰC HIỆN NHIỆM VỤ NĂM 2024".
# Wording verbatim (including "Cùm" in I.3 and "khen thưởng" in lower case from II.4 on);
# the seed flattens bullets to "; - " and ": - ", here they are on their own lines again.
APPENDIX_TITLE = "PHỤ LỤC THỰC HIỆN NHIỆM VỤ NĂM 2024"
APPENDIX_SUBTITLE = (
    "(Kèm theo Kế hoạch số      /KH-UBND, ngày      tháng 01 năm 2024 của UBND tỉnh Bắc Ninh)"
)
APPENDIX_HEADERS = (
    "STT",
    "Nội dung\nthực hiện",
    "Đơn vị\nchỉ đạo",
    "Đơn vị\nthực hiện",
    "Đơn vị\nphối hợp",
    "Ngày hoàn thành",
    "Ghi chú",
)
APPENDIX_NOTE = (
    "Ghi chú: Các địa phương, đơn vị báo cáo kết quả thực hiện về Ban Thi đua - Khen thưởng, "
    "Sở Nội vụ trước ngày 10 của tháng cuối quý."
)
APPENDIX_SECTIONS: tuple[tuple[str, str, tuple[AppendixTask, ...]], ...] = (
    (
        "I",
        "Quý I",
        (
            AppendixTask(
                "Ban hành Kế hoạch Phát động phong trào thi đua “30 ngày đêm hoàn thành di "
                "chuyển nghĩa trang, mộ chí, dự án đầu tư xây dựng đường Vành đai 4 - Vùng Thủ "
                "đô Hà Nội, đoạn qua địa phận tỉnh Bắc Ninh”",
                _UBND,
                _BTDKT,
                "Sở Giao thông vận tải",
                dt.date(2024, 3, 15),
            ),
            AppendixTask(
                "Ban hành Kế hoạch thực hiện Phong trào thi đua “Dân vận khéo” tỉnh Bắc Ninh "
                "năm 2024",
                _UBND,
                _BTDKT,
                done=dt.date(2024, 3, 18),
            ),
            AppendixTask(
                "Ban hành Quyết định về việc tổ chức Cùm, Khối thi đua của tỉnh năm 2024",
                _UBND,
                _BTDKT,
                done=dt.date(2024, 3, 20),
            ),
            AppendixTask(
                "Xây dựng Kế hoạch Công tác thi đua, khen thưởng năm 2024",
                _UBND,
                _BTDKT,
                done=dt.date(2024, 3, 22),
            ),
            AppendixTask(
                "Tổ chức đăng ký thi đua cho các tập thể, cá nhân tại các địa phương, đơn vị; "
                "Tổ chức ký kết giao ước thi đua giữa các đơn vị thành viên trong cụm, khối thi "
                "đua của tỉnh và các cụm khối thi đua của các cơ quan, địa phương, đơn vị. Triển "
                "khai đăng ký đến các xã, phường, thị trấn hoàn thành trong quý I năm 2024",
                _HD,
                "- Các địa phương, đơn vị;\n- Cụm trưởng, Khối trưởng các Cụm, Khối thi đua",
                _DP_CUM,
                dt.date(2024, 4, 12),
            ),
            AppendixTask(
                "Các địa phương, đơn vị, các Cụm, Khối thi đua:\n- Xây dựng Kế hoạch, tổ chức "
                "các hoạt động nhân dịp kỷ niệm 94 năm Ngày thành lập Đảng Cộng sản Việt Nam "
                "(03/02/1930 - 03/02/2024); 134 năm Ngày sinh Chủ tịch Hồ Chí Minh "
                "(19/5/1890-19/5/2024); 79 năm Cách mạng Tháng Tám và Quốc khánh 02/9; 76 năm "
                "ngày Bác Hồ ra lời kêu gọi thi đua Ái quốc (11/6/1948 - 11/6/2024)",
                _UBND,
                "Các địa phương, đơn vị được UBND tỉnh giao",
                _DP_CUM,
                # Not in the seed: a second bullet typed into the next row, the way staff
                # continue a long cell, so that readers of the sample meet that layout.
                continuation="- Tham gia các phong trào thi đua do UBND tỉnh phát động.",
            ),
            AppendixTask(
                "Trình khen thưởng thành tích cao đột tổng kết năm 2023",
                _UBND,
                _BTDKT,
                "Các Cụm, Khối thi đua; Các địa phương, đơn vị",
                dt.date(2024, 3, 25),
            ),
            AppendixTask(
                "Xây dựng Kế hoạch kiểm tra công tác thi đua, khen thưởng của Hội đồng TĐKT tỉnh",
                _HD,
                _BTDKT,
                "Các địa phương, đơn vị có tên trong Kế hoạch",
                dt.date(2024, 3, 27),
            ),
            AppendixTask(
                "Quyết định Ban hành Quy chế về công tác Thi đua, khen thưởng của tỉnh Bắc Ninh",
                _UBND,
                _BTDKT,
                done=dt.date(2024, 3, 28),
            ),
            AppendixTask(
                "Tham dự Hội nghị tổng kết công tác thi đua năm 2023 của Cụm thi đua các tỉnh "
                "Đồng bằng sông Hồng",
                _CUM_DBSH,
                _BTDKT,
                done=dt.date(2024, 3, 29),
            ),
        ),
    ),
    (
        "II",
        "Quý II",
        (
            AppendixTask(
                "Hội đồng khoa học ngành giáo dục và các huyện, thị xã, thành phố xét duyệt đề "
                "tài, sáng kiến kinh nghiệm, lựa chọn sáng kiến đề nghị Hội đồng sáng kiến cấp "
                "tỉnh xét duyệt công nhận cho các cá nhân thuộc ngành Giáo dục",
                _UBND,
                _HDSK,
                _HDSK_NGANH,
            ),
            AppendixTask(
                "Đánh giá kết quả công tác thi đua, khen thưởng 6 tháng đầu năm, phương hướng "
                "nhiệm vụ trọng tâm 6 tháng cuối năm",
                _HD,
                "Cụm trưởng, Khối trưởng các khối thi đua",
                "Các đơn vị thuộc các Cụm, Khối thi đua",
            ),
            AppendixTask(
                "Tham dự sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm của Cụm Thi đua "
                "các tỉnh đồng bằng sông Hồng.",
                _CUM_DBSH,
                _BTDKT,
                done=dt.date(2024, 6, 25),
            ),
            AppendixTask(
                "Xét duyệt khen thưởng thành tích công tác đền ơn đáp nghĩa nhân ngày Thương "
                "binh liệt sỹ 27/7.",
                _UBND,
                "Sở Lao động, Thương binh và Xã hội",
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Xét duyệt khen cao, khen thưởng tổng kết ngành giáo dục năm học 2023 - 2024.",
                "UBND tỉnh; Hội đồng TĐKT tỉnh",
                "- Sở Giáo dục và Đào tạo;\n- Các huyện, thị xã, thành phố.",
                _BTDKT_LOWER,
            ),
        ),
    ),
    (
        "III",
        "Quý III",
        (
            AppendixTask(
                "Hội đồng khoa học cơ sở xét duyệt đề tài, sáng kiến kinh nghiệm của địa phương, "
                "đơn vị, lựa chọn sáng kiến đủ điều kiện đề nghị Hội đồng sáng kiến cấp tỉnh xét "
                "duyệt công nhận.",
                _HDSK,
                _HDSK,
                _HDSK_NGANH,
            ),
            AppendixTask(
                "Tổng kết công tác và phong trào thi đua ngành giáo dục năm học 2023 - 2024.",
                "Thường trực Hội đồng TĐKT tỉnh",
                "Sở Giáo dục và Đào tạo",
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Tổ chức tập huấn, triển khai Luật Thi đua - Khen thưởng năm 2022 và các văn bản "
                "hướng dẫn thi hành.",
                _HD,
                _BTDKT_LOWER,
                _DP_CUM,
            ),
        ),
    ),
    (
        "IV",
        "Quý IV",
        (
            AppendixTask(
                "Học tập kinh nghiệm công tác thi đua, khen thưởng do Cụm thi đua các tỉnh Đồng "
                "bằng sông Hồng tổ chức",
                _CUM_DBSH,
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Tiến hành thanh tra, kiểm tra theo Kế hoạch của Hội đồng TĐKT tỉnh",
                _HD,
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Các Cụm, Khối thi đua, các địa phương, cơ quan, đơn vị tổ chức đợt thi đua hoàn "
                "thành mục tiêu nhiệm vụ năm 2024. Đồng thời đánh giá kết quả thực hiện các "
                "phong trào thi đua về Sở Nội vụ qua (Ban Thi đua - Khen thưởng)",
                _HD,
                "Cụm trưởng, Khối trưởng các Cụm, Khối thi đua",
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Tổ chức Hội nghị tổng kết phong trào thi đua, công tác khen thưởng năm 2024",
                _UBND,
                "- Cụm trưởng, Khối trưởng các khối thi đua;\n- Các địa phương, cơ quan, đơn vị.",
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Xét duyệt khen thưởng thành tích công tác năm 2024 (Hồ sơ gửi về Ban Thi đua - "
                "Khen thưởng, Sở Nội vụ)",
                _HD,
                "- Cụm trưởng, Khối trưởng các khối thi đua;\n- Các địa phương, cơ quan, đơn vị",
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Xây dựng chương trình, kế hoạch công tác thi đua, khen thưởng năm 2025",
                _UBND,
                _BTDKT_LOWER,
            ),
            AppendixTask(
                "Tham mưu xây dựng Quyết định chia Cụm, Khối thi đua năm 2025",
                _UBND,
                _BTDKT_LOWER,
            ),
        ),
    ),
)

# Seed: /work/shared/seeds/000_d369472032827c25.txt, "Bảng tóm tắt phân công nhiệm vụ".
ASSIGNMENT_TITLES = (
    "Bảng tóm tắt phân công nhiệm vụ",
    "Tổng kết 10 năm thực hiện Chỉ thị 34-CT/TW ngày 07/4/2014",
    "của Bộ Chính trị về tiếp tục đổi mới công tác thi đua, khen thưởng",
    "(Kèm theo Kế hoạch số 21 /KH-BTĐKT ngày 10 /6/2024)",
)
ASSIGNMENT_HEADERS = (
    "TT",
    "NỘI DUNG",
    "ĐƠN VỊ THỰC HIỆN",
    "THỜI GIAN\nHOÀN THÀNH",
    "Ngày hoàn thành",
    "Ghi chú",
)
_GOP_Y = (
    "Tiếp thu, giải trình ý kiến góp ý của các Ban cán sự Đảng, Đảng đoàn, Thành viên Hội đồng "
    "TĐKT Trung ương và hoàn thiện "
)
ASSIGNMENT_ROWS: tuple[AssignmentRow, ...] = (
    AssignmentRow(
        "1.",
        "Hướng dẫn các bộ, ban, ngành, tỉnh tổ chức tổng kết 10 năm thực hiện Chỉ thị 34-CT/TW",
        "Phòng III",
        "Tháng 2",
        dt.date(2024, 2, 26),
    ),
    AssignmentRow(
        "2.",
        "Quyết định thành lập Ban Chỉ đạo, Tổ biên tập và Kế hoạch triển khai thực hiện công "
        "tác tổng kết 10 năm thực hiện Chỉ thị 34-CT/TW",
        "Phòng II",
        "Tháng 6",
        dt.date(2024, 6, 20),
    ),
    AssignmentRow(
        "3.",
        "Tổng hợp báo cáo tổng kết của các bộ, ban, ngành, tỉnh; xây dựng dự thảo Báo cáo tổng "
        "kết 10 năm thực hiện Chỉ thị 34-CT/TW",
        "Phòng I",
        "Trước ngày 15/6",
        dt.date(2024, 6, 14),
    ),
    AssignmentRow(
        "4.",
        "- Xây dựng dự thảo Chỉ thị mới của Bộ Chính trị về việc tiếp tục đổi mới công tác thi "
        "đua, khen thưởng trong tình hình mới\n- Lập bảng so sánh giữa Chỉ thị 34-CT/TW và dự "
        "thảo Chỉ thị mới (có phân tích, giải trình)",
        "Phòng Tổ chức cán bộ",
        "Trước ngày 15/6",
        dt.date(2024, 6, 18),
    ),
    AssignmentRow(
        "5.",
        "Xin ý kiến góp ý dự thảo Báo cáo tổng kết và dự thảo Chỉ thị của Ban cán sự Đảng các "
        "bộ, ban, ngành, tỉnh; Đảng đoàn các Đoàn thể Trung ương; Thành viên Hội đồng TĐKT "
        "Trung ương",
        "Phòng I",
        "Đầu tháng 7",
        dt.date(2024, 7, 5),
    ),
    AssignmentRow(
        "6.",
        "6.1. " + _GOP_Y + "Dự thảo Báo cáo tổng kết Chỉ thị 34-CT/TW",
        "Phòng I",
        "Tháng 7",
    ),
    AssignmentRow("", "6.2. " + _GOP_Y + "Dự thảo Chỉ thị mới", "Phòng Tổ chức cán bộ", "Tháng 7"),
    AssignmentRow(
        "7.",
        "Báo cáo Ban cán sự Đảng Bộ Nội vụ về đề án tổng kết Chỉ thị 34-CT/TW",
        "Phòng I",
        "Tháng 7",
    ),
    AssignmentRow(
        "8.",
        "Tiếp thu, giải trình ý kiến góp ý của Ban cán sự Đảng Bộ Nội vụ và hoàn thiện đề án "
        "tổng kết Chỉ thị 34-CT/TW",
        "Phòng I",
        "Tháng 7",
    ),
    AssignmentRow(
        "9.",
        "Hoàn thiện hồ sơ trình Ban cán sự Đảng Bộ Nội vụ, trình Ban cán sự Đảng Chính phủ, "
        "Thường trực Chính phủ về đề án tổng kết Chỉ thị 34-CT/TW",
        "Phòng I",
        "Tháng 7",
    ),
    AssignmentRow(
        "10.",
        "Tiếp thu, giải trình ý kiến góp ý của Ban cán sự Đảng Bộ Nội vụ, Ban cán sự Đảng Chính "
        "phủ, Thường trực Chính phủ và hoàn thiện đề án tổng kết Chỉ thị 34-CT/TW",
        "Phòng I",
        "Tháng 8",
    ),
    AssignmentRow(
        "11.",
        "Trình Ban Bí thư, Bộ Chính trị đề án tổng kết Chỉ thị 34-CT/TW (gửi Văn phòng Trung ương)",
        "Phòng I",
        "Tháng 8",
    ),
)

# Every unit named in the two tables above (seeds 003 and 000), plus the other offices of
# the central board that seed 000 assigns work to in its text. Aliases are separated by "; ".
UNIT_HEADERS = ("Mã đơn vị", "Tên đơn vị", "Tên gọi khác, viết tắt", "Loại", "Email")
_GROUP = "Nhóm đơn vị"
UNITS: tuple[Unit, ...] = (
    Unit("UBND", _UBND, "Ủy ban nhân dân tỉnh; UBND tỉnh Bắc Ninh", email="ubnd@mau.gov.vn"),
    Unit(
        "HDTDKT",
        _HD,
        "Hội đồng Thi đua - Khen thưởng tỉnh; HĐTĐKT tỉnh",
        email="hoidong.tdkt@mau.gov.vn",
    ),
    Unit("TTHDTDKT", "Thường trực Hội đồng TĐKT tỉnh", email="thuongtruc.tdkt@mau.gov.vn"),
    Unit(
        "BTDKT",
        _BTDKT,
        "Ban TĐKT; Ban TĐKT, Sở Nội vụ; Ban Thi đua - Khen thưởng",
        email="ban.tdkt@mau.gov.vn",
    ),
    Unit("SGTVT", "Sở Giao thông vận tải", "Sở GTVT", email="sgtvt@mau.gov.vn"),
    Unit(
        "SLDTBXH",
        "Sở Lao động, Thương binh và Xã hội",
        "Sở LĐTBXH",
        email="sldtbxh@mau.gov.vn",
    ),
    Unit("SGDDT", "Sở Giáo dục và Đào tạo", "Sở GD&ĐT; Sở GDĐT", email="sgddt@mau.gov.vn"),
    Unit("HDSKT", _HDSK, email="hoidong.sangkien@mau.gov.vn"),
    Unit(
        "CUMDBSH",
        _CUM_DBSH,
        "Cụm thi đua các tỉnh Đồng bằng sông Hồng",
        email="cum.dbsh@mau.gov.vn",
    ),
    Unit("P1", "Phòng I", email="phong1@mau.gov.vn"),
    Unit("P2", "Phòng II", email="phong2@mau.gov.vn"),
    Unit("P3", "Phòng III", email="phong3@mau.gov.vn"),
    Unit("PTCCB", "Phòng Tổ chức cán bộ", "Phòng TCCB", email="phong.tccb@mau.gov.vn"),
    Unit("PPCTT", "Phòng Pháp chế - Thanh tra", email="phong.pctt@mau.gov.vn"),
    Unit("PQLHS", "Phòng Quản lý Khai thác hồ sơ", email="phong.hoso@mau.gov.vn"),
    Unit("TTTTTT", "Trung tâm Thông tin - Truyền thông", email="trungtam.tttt@mau.gov.vn"),
    Unit("VPB", "Văn phòng Ban", email="vanphong.ban@mau.gov.vn"),
    Unit("NHOM_DP", "Các địa phương, đơn vị", kind=_GROUP),
    Unit("NHOM_DP_CUMKHOI", _DP_CUM, kind=_GROUP),
    Unit(
        "NHOM_CUMKHOI_TRUONG",
        "Cụm trưởng, Khối trưởng các Cụm, Khối thi đua",
        "Cụm trưởng, Khối trưởng các khối thi đua",
        kind=_GROUP,
    ),
    Unit("NHOM_CUMKHOI", "Các Cụm, Khối thi đua", kind=_GROUP),
    Unit("NHOM_DP_GIAO", "Các địa phương, đơn vị được UBND tỉnh giao", kind=_GROUP),
    Unit("NHOM_DP_KH", "Các địa phương, đơn vị có tên trong Kế hoạch", kind=_GROUP),
    Unit("NHOM_HDSK", _HDSK_NGANH, kind=_GROUP),
    Unit("NHOM_DV_CUMKHOI", "Các đơn vị thuộc các Cụm, Khối thi đua", kind=_GROUP),
    Unit("NHOM_HUYEN", "Các huyện, thị xã, thành phố", kind=_GROUP),
    Unit("NHOM_DP_CQ", "Các địa phương, cơ quan, đơn vị", kind=_GROUP),
)

CONFIG_HEADERS = ("Thiết lập", "Giá trị", "Giải thích")
CONFIG_ROWS: tuple[tuple[str, int | dt.date | str, str], ...] = (
    ("Năm kế hoạch", 2024, "Năm của kế hoạch đang theo dõi."),
    (
        "Số ngày sắp đến hạn",
        7,
        "Nhiệm vụ chưa xong còn từng này ngày (hoặc ít hơn) đến hạn thì là “Sắp đến hạn”.",
    ),
    (
        "Ngày tính trạng thái",
        dt.date(2024, 7, 1),
        "Ngày dùng để tính trạng thái nhiệm vụ; để trống thì lấy ngày hôm nay.",
    ),
    (
        "Hạn nộp báo cáo",
        dt.date(2024, 6, 25),
        "Hạn các đơn vị gửi báo cáo về Ban Thi đua - Khen thưởng.",
    ),
    ("Năm số liệu từ", 2014, "Năm đầu của bảng số liệu khen thưởng."),
    ("Năm số liệu đến", 2023, "Năm cuối của bảng số liệu khen thưởng."),
    # who issues the Word documents drafted from the plan (issue 17): their header and signature
    ("Cơ quan chủ quản", "Sở Nội vụ tỉnh Bắc Ninh", "In hoa, phía trên tên cơ quan ban hành văn bản."),
    ("Cơ quan ban hành", "Ban Thi đua - Khen thưởng", "Tên cơ quan ban hành văn bản (báo cáo, công văn)."),
    ("Ký hiệu cơ quan", "BTĐKT", "Chữ viết tắt trong số, ký hiệu văn bản: Số: …/BC-BTĐKT."),
    ("Địa danh", "Bắc Ninh", "Địa danh ghi trước ngày tháng của văn bản."),
    ("Chức vụ người ký", "Trưởng ban", "Chức vụ của người ký văn bản."),
    ("Người ký", "", "Họ và tên người ký; để trống thì văn bản để chỗ cho người soạn điền."),
)
