"""The words and patterns of deadline phrases: number words, festivals, can-chi years, the date
patterns searched in a folded phrase, and the text around them (markers, noise).

Everything here works on text already folded by :func:`tdkt_xl.plans.text.fold`
(lower case, no diacritics).
"""

from __future__ import annotations

import re

from tdkt_xl.plans.text import LazyPattern

# --- numbers -----------------------------------------------------------------

ROMAN_NUMERALS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8,
                  "ix": 9, "x": 10, "xi": 11, "xii": 12}
DIGIT_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5,
               "sau": 6, "bay": 7, "tam": 8, "chin": 9}


def _words_to_number(words: list[str]) -> int | None:
    """Vietnamese number words (already folded) to an int: "hai muoi mot" -> 21.

    >>> _words_to_number(["muoi", "lam"]), _words_to_number(["hai", "muoi", "mot"])
    (15, 21)
    """
    if "nam" in words[1:]:
        return None  # after a number "năm" is the word "year": 5 there is always "lăm"
    specials: dict[tuple[str, ...], int] = {("gieng",): 1, ("chap",): 12, ("nhat",): 1, ("muoi",): 10}
    if tuple(words) in specials:
        return specials[tuple(words)]
    if len(words) == 2 and words[0] == "muoi" and words[1] in DIGIT_WORDS:
        return 10 + DIGIT_WORDS[words[1]]  # "muoi lam" = 15
    if not words or words[0] not in DIGIT_WORDS or words[0] == "lam":
        return None
    tens = DIGIT_WORDS[words[0]]
    if len(words) == 1:
        return tens
    rest = words[2:] if words[1] in ("muoi", "chuc") else words[1:]
    if tens < 2 or len(rest) > 1 or (words[1] not in ("muoi", "chuc") and not rest):
        return None
    if not rest:
        return tens * 10
    return tens * 10 + DIGIT_WORDS[rest[0]] if rest[0] in DIGIT_WORDS else None


def spelled_count(words: list[str]) -> int | None:
    """A count up to 9999 in folded words: "mot tram", "hai nghin khong tram linh nam".

    >>> spelled_count("mot tram".split()), spelled_count("hai tram linh nam".split())
    (100, 205)
    >>> spelled_count("muoi lam".split()), spelled_count("tram".split())
    (15, None)
    """
    total = 0
    for unit, size in (("nghin", 1000), ("ngan", 1000), ("tram", 100)):
        if unit in words:
            cut = words.index(unit)
            head = 0 if words[:cut] == ["khong"] else _words_to_number(words[:cut]) if cut else None
            if head is None or head > 9:
                return None
            total, words = total + head * size, words[cut + 1 :]
    if words[:1] in (["linh"], ["le"]):
        words = words[1:]
    if not words:
        return total or None
    rest = _words_to_number(words)
    return None if rest is None else total + rest


_NUMBER_WORD = r"(?:muoi|gieng|chap|nhat|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|chuc)"
_WORD_NUMBER_AFTER = LazyPattern(
    rf"\b(ngay|thang|quy|cac ngay|mung|mong)\s+((?:{_NUMBER_WORD})(?:\s+{_NUMBER_WORD}){{0,3}})\b"
)


def replace_number_words(text: str) -> str:
    """Number words after "ngày", "tháng", "quý" … written as digits.

    >>> replace_number_words("thang sau nam 2024"), replace_number_words("ngay hai muoi mot")
    ('thang 6 nam 2024', 'ngay 21')
    """
    def repl(match: re.Match[str]) -> str:
        keyword, words = match.group(1), match.group(2).split()
        if words[0] == "tu" and keyword not in ("thang", "quy"):
            return match.group(0)  # "ngày từ 5 …" is "from"; 4 is "tư" only for months/quarters
        if keyword == "quy" and (_words_to_number(words[:1]) or 0) > 4:
            return match.group(0)  # "quý sau", "quý năm 2024": no fifth or sixth quarter
        if (keyword == "ngay" and words == ["sau"]
                and re.match(r"\s+(?:khi|do|nay|ngay|tro)\b", match.string[match.end() :])):
            return match.group(0)  # "ngay sau khi …": "right after", not "ngày sáu"
        # Take the longest prefix of words that reads as a number; "nam" after a
        # number is the word "year" ("thang sau nam 2024").
        for size in range(len(words), 0, -1):
            value = _words_to_number(words[:size])
            if value is not None:
                tail = " ".join(words[size:])
                return f"{keyword} {value}" + (f" {tail}" if tail else "")
        return match.group(0)

    return _WORD_NUMBER_AFTER.sub(repl, text)


_SPELLED_NUMBER = (r"(?:muoi|mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin|chuc|tram|nghin|ngan|khong|"
                   r"linh|le|nhat|gieng|chap)")
_RESTATED_NUMBER = LazyPattern(
    rf"(\d{{1,4}}|\d{{1,2}}\s*[/.-]\s*\d{{1,2}}(?:\s*[/.-]\s*\d{{2,4}})?)"  # a number, or a date
    rf"\s*\(\s*(?:(?:{_SPELLED_NUMBER}|ngay|thang)\s*[,]?\s*)+(?:nam\s*)?\)"
)
_RESTATED_WORDS = LazyPattern(
    rf"\b(ngay|thang|nam|quy|mung|mong)\s+(?:{_SPELLED_NUMBER}\s+){{0,6}}{_SPELLED_NUMBER}\s*"
    rf"\(\s*(\d{{1,4}})\s*\)"
)


def drop_restated_numbers(text: str) -> str:
    """A number followed by its own reading in words in brackets is that number once: "ngày 06
    (sáu)", "25 (hai mươi lăm)", and the other way round, "tháng sáu (06)". The digits are kept
    whatever the words say.

    >>> drop_restated_numbers("ngay 06 (sau) thang 06 (sau) nam 2026")
    'ngay 06 thang 06 nam 2026'
    >>> drop_restated_numbers("ngay muoi lam (15) thang sau (06)")
    'ngay 15 thang 06'
    >>> drop_restated_numbers("truoc 30/6 (ngay ba muoi thang sau)")
    'truoc 30/6'
    """
    text = _RESTATED_NUMBER.sub(lambda m: m.group(1), text)
    return _RESTATED_WORDS.sub(lambda m: f"{m.group(1)} {m.group(2)}", text)


_LUNAR_MONTH_DAY = LazyPattern(
    r"(\b\d{1,2}|\b(?:ngay|mung|mong)(?:\s+[a-z]+){1,3}?)\s+thang\s+(gieng|chap)\b"
    r"(?!\s*[(,]?\s*(?:am\s+lich|al)\b)"
)


def mark_lunar_months(text: str) -> str:
    """A day of tháng Giêng or tháng Chạp is a lunar day: "26 tháng Chạp", "mùng 10 tháng Giêng"
    (the month alone, "tháng Giêng", stays the calendar month).

    >>> mark_lunar_months("truoc 26 thang chap nam at ty")
    'truoc 26 thang 12 am lich nam at ty'
    """
    return _LUNAR_MONTH_DAY.sub(
        lambda m: f"{m.group(1)} thang {1 if m.group(2) == 'gieng' else 12} am lich", text)


# "chậm nhất ngày 20 của tháng cuối kỳ báo cáo", "trước ngày 15 của tháng", "ngày 06 của tháng
# cuối quý": a day of every month (quarter, period): a recurring deadline with no single date
_NUMBERED = r"(?:\d|(?:x|v|i|iv|ix|xi|xii|ii|iii|vi|vii|viii)\b|[/.-]\s*\d)"
PERIODIC_DAY = LazyPattern(
    r"\bngay\s+\d{1,2}\s+(?:(?:cua|trong|hang|moi)\s+)?(?:(?:dau|cuoi)\s+)?(?:thang|quy|ky)\b"
    r"(?:\s+(?:dau|cuoi|giua)\s+(?:quy|ky|nam)\b(?:\s+bao\s+cao\b)?)?"
    rf"(?!\s*(?:(?:dau|cuoi|giua)\s+(?:quy|nam)\s+)?{_NUMBERED})"
)


# --- date patterns ---------------------------------------------------------

_YEAR = r"(\d{4}|sau)"
_MOD = (r"(?:(tuan dau|tuan cuoi|tuan thu nhat|thuong tuan|trung tuan|ha tuan|dau|giua|cuoi|trong)"
        r"\s+(?:cua\s+)?)?")
_ROMAN_RE = r"(?:iv|v?i{1,3}|ix|x{1}i{0,2}|v)"
_MONTH = rf"(\d{{1,2}}|{_ROMAN_RE})"

_COUNTING = (r"(?:dot|lan|nam(?!\s+(?:\d|nay|sau|toi|tiep))|ngay|tuan|thang|quy|nguoi|cuoc|buoc|ky|"
             r"khoa|gio|phut|buoi|dem|ban|bai|muc|trang|tap the|ca nhan|don vi|hoi nghi|nhiem vu|"
             r"van ban|bao cao|tham luan|phong trao|chi tieu|cum|khoi|nhom|doan)")

# Festivals: (day, month, lunar calendar). "Tết" alone is Tết Nguyên đán.
FESTIVALS: dict[str, tuple[int, int, bool]] = {
    "nguyen dan": (1, 1, True), "co truyen": (1, 1, True), "am lich": (1, 1, True),
    "ta": (1, 1, True), "nguyen tieu": (15, 1, True), "han thuc": (3, 3, True),
    "doan ngo": (5, 5, True), "trung nguyen": (15, 7, True), "trung thu": (15, 8, True),
    "duong lich": (1, 1, False), "tay": (1, 1, False), "thieu nhi": (1, 6, False),
    "gio to": (10, 3, True),
}
_FESTIVAL_NAMES = "|".join(sorted((n.replace(" ", r"\s+") for n in FESTIVALS), key=len, reverse=True))
_CAN = ("giap", "at", "binh", "dinh", "mau", "ky", "canh", "tan", "nham", "quy")
_CHI = ("ty", "suu", "dan", "mao", "thin", "ti", "ngo", "mui", "than", "dau", "tuat", "hoi")
_CAN_NAMES = ("Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý")
_CHI_NAMES = ("Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi")
_CANCHI = rf"(?:\s+(?:xuan\s+|nam\s+)?({'|'.join(_CAN)})\s+({'|'.join(_CHI)}|meo)\b)?"

# The date expressions by kind, most specific first: the text one matches is blanked out before
# the next is searched; tdkt_xl.plans.deadline_items makes an item of each kind's match.
DATE_PATTERNS: list[tuple[str, LazyPattern]] = [
    # Tết trồng cây, Tết Thanh minh: no fixed day, and not Tết Nguyên đán
    ("not-a-date", LazyPattern(r"\btet\s+(?:trong\s+cay|thanh\s+minh)\b")),
    # Tết, Tết Nguyên đán Ất Tỵ, Tết Dương lịch 2025, Tết Trung thu, Trung thu, Giỗ Tổ Hùng Vương,
    # Tết Nguyên đán 10 ngày (with "trước" / "sau" before it)
    ("festival", LazyPattern(
        rf"(?:\btet(?:\s+({_FESTIVAL_NAMES}))?|\b(trung\s+thu|nguyen\s+dan|gio\s+to)(?:\s+hung\s+vuong)?)\b"
        rf"{_CANCHI}(?:\s+(?:nam\s+)?{_YEAR}\b)?(?:\s+(\d{{1,3}})\s+ngay\b)?"
    )),
    # năm học 2023 - 2024, năm học 2023-24: 1 September to 31 May
    ("school", LazyPattern(r"\bnam\s+hoc\s+(\d{4})\s*[-/]\s*(\d{4}|\d{2})(?!\d)")),
    # rằm tháng 8, rằm tháng Giêng: the 15th of a lunar month
    ("full-moon", LazyPattern(rf"\bram\s+thang\s+{_MONTH}\b(?:\s*(?:nam\s+|/|-)\s*{_YEAR})?")),
    # 6 tháng đầu năm, 06 tháng đầu năm, sáu tháng đầu năm, 9 tháng đầu năm 2024, 6 tháng cuối năm
    ("part", LazyPattern(
        rf"\b(0?[369]|ba|sau|chin)\s+thang\s+(dau|cuoi)\s+nam(?:\s*(?:/|-)?\s*{_YEAR})?\b"
    )),
    ("half", LazyPattern(rf"\b(?:nua|ban\s+nien)\s+(dau|cuoi)\s+nam(?:\s+{_YEAR})?\b")),
    # tuần 2 tháng 7 (the second week), đợt 2 / lần 1 / kỳ 2 tháng 6 (in that month)
    ("ordinal", LazyPattern(
        rf"\b(tuan|dot|lan|ky)\s+(?:thu\s+)?(\d{{1,2}}|{_ROMAN_RE})\s+(?:cua\s+|trong\s+)?thang\s+{_MONTH}\b"
        rf"(?:\s*(?:nam\s+|/|-)\s*{_YEAR})?"
    )),
    # ngày 30 tháng 11 năm 2019, 20 tháng 7 năm 2019, ngày 5 tháng 7
    ("dtm", LazyPattern(
        rf"{_MOD}(?:\bngay\s+)?\b(\d{{1,2}})\s+(?:cua\s+)?thang\s+{_MONTH}\b"
        rf"(?:\s*(?:,\s*)?(?:nam\s+|/|-)\s*{_YEAR})?(?!\s*[/.-]\s*\d)"
    )),
    # 30/11/2019, 30-11-2019, 30.11.2019, 30/11/19
    ("dmy", LazyPattern(r"(?<![\d/.])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d])")),
    # 2024-06-15 (ISO, as str(date) writes it)
    ("iso", LazyPattern(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])")),
    # "năm Ất Tỵ": a year named by its can-chi (a lunar year)
    ("canchi", LazyPattern(rf"\bnam\s+({'|'.join(_CAN)})\s+({'|'.join(_CHI)}|meo)\b")),
    # "2025 và những năm tiếp theo": every year from 2025
    ("onward", LazyPattern(
        r"(?:\bnam\s+)?(?<!\d)(19\d\d|2[01]\d\d)(?!\d)\s*,?\s*(?:va|den|toi)\s+(?:cac\s+|nhung\s+)?"
        r"nam\s+(?:tiep\s+theo|ke\s+tiep|sau(?:\s+do)?|tiep)\b"
    )),
    # "năm trước kỳ báo cáo", "năm liền trước năm báo cáo": the year before the plan's
    ("prevyear", LazyPattern(
        r"\bnam\s+(?:lien\s+)?truoc\s+(?:cua\s+)?(?:ky|nam)\s+bao\s+cao\b"
        r"|\bnam\s+truoc\s+lien\s+ke\b|\bnam\s+truoc\b(?=\s*(?:$|[;,.)]))"
    )),
    # "năm liền kề năm báo cáo", "năm tiếp theo của kỳ báo cáo": the year after the plan's
    ("nextyear", LazyPattern(
        r"\bnam\s+lien\s+ke(?:\s+(?:sau\s+|voi\s+)?(?:ky|nam)\s+bao\s+cao)?\b"
        r"|\bnam\s+(?:tiep\s+theo|sau)\s+(?:cua\s+)?(?:ky|nam)\s+bao\s+cao\b"
    )),
    # quý III/2024, Q4/2024, trong quý I năm 2024, đầu quý 3
    ("quarter", LazyPattern(
        rf"{_MOD}\b(?:quy|q)\s*(0?\d|iv|i{{1,3}}|v)\b(?:\s*(?:nam\s+|/|-)\s*{_YEAR})?"
    )),
    # tháng 7, đầu tháng 7, tháng 6/2024, tháng 9 năm 2024, tháng 1 năm sau
    ("month", LazyPattern(
        rf"{_MOD}\bthang\s+{_MONTH}\b(?!\s*[/.]\s*\d{{1,2}}\b\s*[/.])"
        rf"(?:\s*(?:nam\s+|/|-)\s*(\d{{4}}|sau)|\s*/\s*(\d{{2}})\b)?"
    )),
    # đầu năm, cuối năm 2024, cả năm, giữa năm
    ("yearpart", LazyPattern(rf"\b(dau|giua|cuoi|ca|trong|suot)\s+nam(?:\s+{_YEAR})?\b")),
    # 6/2024, 06-2024 (month/year)
    ("my", LazyPattern(r"(?<![\d/.])(\d{1,2})\s*[/.-]\s*(\d{4})(?![\d])")),
    # 15/6, 05/9, 15-6; not "3 - 4 tham luận" (a quantity)
    ("dm", LazyPattern(
        rf"(?<![\d/.])(\d{{1,2}})\s*[/.-]\s*(\d{{1,2}})(?![\d]|\s*[/.]\s*\d|\s*-\s*\d{{4}}(?!\d)|\s*{_COUNTING}\b)"
    )),
    # năm 2024, 2024
    ("year", LazyPattern(r"(?:\bnam\s+)?(?<!\d)(19\d\d|2[01]\d\d)(?!\d)")),
    ("nextyear", LazyPattern(r"\bnam\s+sau\b|\bnam\s+tiep\s+theo\b|\bnam\s+toi\b")),
    # bare numbers / roman numerals, resolved by their neighbours; a number followed by
    # a counting word ("2 đợt", "10 năm", "30 ngày") is a quantity, not a date
    ("bare", LazyPattern(rf"(?<![\d/.])\b(\d{{1,2}}|{_ROMAN_RE})\b(?![\d.]|/(?!\s{{4}})|\s*{_COUNTING}\b)")),
]

# --- deadlines counted from the plan's issue date ------------------------------

# "ngày ban hành (Kế hoạch)", "ngày Kế hoạch này được ban hành", "ngày ký", "khi ban hành"
_DOCUMENT = (r"(?:(?:ke\s+hoach|van\s+ban|quyet\s+dinh|chi\s+thi|cong\s+van)\s+(?:nay\s+)?"
             r"(?:duoc\s+)?)?")
# ("ký" only after "ngày"/"khi": "từ kỳ báo cáo" folds alike)
_ISSUE_EVENT = (rf"(?:(?:(?:ngay|khi)\s+)?{_DOCUMENT}(?:ky\s+)?ban\s+hanh"
                rf"|(?:ngay|khi)\s+{_DOCUMENT}(?:ky|co\s+hieu\s+luc))\b")
_SPAN_UNIT = r"(ngay\s+lam\s+viec|ngay|tuan|thang|nam)"
# "100 ngày kể từ ngày ban hành Kế hoạch", "sau 30 ngày kể từ ngày ban hành", "trong vòng 15 ngày
# kể từ ngày ký", "05 ngày làm việc kể từ ngày Kế hoạch này được ban hành"
RELATIVE_SPAN = LazyPattern(
    rf"(?<![\d/.])(\d{{1,4}})\s+{_SPAN_UNIT}\s+(?:ke\s+tu|tinh\s+tu|tu|sau)\s+{_ISSUE_EVENT}"
)
_COUNT_WORDS = LazyPattern(
    rf"\b((?:{_SPELLED_NUMBER}\s+){{0,6}}{_SPELLED_NUMBER})\s+(?=(?:ngay|tuan|thang)\s+"
    r"(?:lam\s+viec\s+)?(?:ke\s+tu|tinh\s+tu|sau)\b)"
)


def count_words_to_digits(text: str) -> str:
    """A count of days written in words before "kể từ …" in digits: "mười lăm ngày kể từ".

    >>> count_words_to_digits("muoi lam ngay ke tu ngay ky")
    '15 ngay ke tu ngay ky'
    """
    def repl(match: re.Match[str]) -> str:
        value = spelled_count(match.group(1).split())
        return match.group(0) if value is None else f"{value} "

    return _COUNT_WORDS.sub(repl, text)


# "Từ ngày ban hành Kế hoạch trở đi", "kể từ ngày ký": from the issue date, with no due date
# (not after a count of days this module cannot read: "một trăm ngày kể từ …" is no start)
RELATIVE_START = LazyPattern(
    rf"(?<![a-z])(?<!ngay )(?<!tuan )(?<!thang )(?<!viec )(?<!ke )(?:ke\s+)?tu\s+{_ISSUE_EVENT}"
)
# a cell that is only a count of days: "100 ngày", "trong vòng 15 ngày", "10 ngày làm việc"
BARE_SPAN = LazyPattern(
    r"\W*(?:hoan\s+thanh\s+)?(?:(?:trong(?:\s+vong|\s+thoi\s+han)?|sau|cham\s+nhat|toi\s+da)\s+)?"
    r"(\d{1,4})\s+(ngay\s+lam\s+viec|ngay|tuan)\W*"
)
# a count from another event we cannot date ("15 ngày kể từ ngày nhận được văn bản")
COUNTED_FROM_EVENT = LazyPattern(
    r"(?<![\d/.])\d{1,4}\s+(?:ngay|tuan|thang)(?:\s+lam\s+viec)?\s+(?:ke\s+tu|tinh\s+tu|sau\s+khi)\b"
)


# --- the words around a date, and words of the whole phrase ------------------

LUNAR_MARK = LazyPattern(r"\s*[(,]?\s*(?:am\s+lich|al)\b")
BEFORE_MARK = LazyPattern(r"(?<![a-z])truoc$")
AFTER_MARK = LazyPattern(r"(?<![a-z])(?<!nam )sau\s*(?:ngay\s*)?$")
LIST_JOIN = LazyPattern(r"[\s,;]*(?:va|hoac)?[\s,;]*(?:ngay\s*)?")
FROM_MARK = LazyPattern(r"(?<![a-z])tu\s*(?:ngay\s*)?$")
# "từ nay đến cuối năm 2025", "đến hết tháng 6": by the end of the period, with no start
UNTIL_MARK = LazyPattern(
    r"(?:(?<![a-z])tu\s+(?:nay|bay\s+gio|thoi\s+diem\s+nay)\s+(?:den|toi)(?:\s+het)?"
    r"|(?<![a-z])(?:den|toi|cho\s+den)\s+het)\s*(?:ngay\s*)?$"
)
DEADLINE_ONLY_MARK = LazyPattern(
    r"(truoc|cham nhat|han chot|han cuoi|khong qua|khong muon hon|muon nhat|den het|"
    r"truoc hoac trong|hoan thanh truoc)\s*(la\s*)?(ngay\s*)?$"
)
RECURRING_WORDS = LazyPattern(
    r"\b(thuong xuyen|hang nam|hang quy|hang thang|hang tuan|hang ngay|dinh ky|moi nam|"
    r"moi quy|moi thang|hang ky|lien tuc|suot nam|ca nam hoc)\b"
)
CONDITIONAL_WORDS = LazyPattern(
    r"\b(khi co|theo yeu cau|khi duoc|theo chi dao|theo ke hoach|sau khi|tuy theo|khi can|"
    r"theo tien do|theo thong bao|theo huong dan|theo quy dinh|khi phat sinh|theo chi thi|"
    r"theo van ban|theo cong van|theo quyet dinh|theo nghi dinh|theo nghi quyet|"
    r"theo (?:tung |cac )?(?:moc )?(?:thoi han|thoi gian|moc))\b"
)
# where a cell naming several deadlines is cut into one clause each: ";", and "và"/"hoặc" before
# a deadline marker ("trước ngày 15/6 và trước ngày 01/12")
CLAUSE_BREAK = LazyPattern(
    r";|\b(?:va|hoac)\s+(?=(?:hoan\s+thanh\s+)?(?:truoc|cham\s+nhat|han\s+chot|khong\s+qua|"
    r"muon\s+nhat)\b)"
)
TENTATIVE_WORDS = LazyPattern(r"\b(du kien|tam dinh|du tinh)\b")
CONNECTOR = LazyPattern(r"^[\s,;]*(?:-|den|toi|va|,|;|hoac|\(|tu)?[\s,;]*(?:ngay|thang|cac ngay)?\s*$")


# Text that holds numbers but no date; dropped before items are searched.
_NOISE: list[LazyPattern] = [
    # a time of day: 16 giờ 30 (phút), 16h30, 16h, 16g30, 16:30, 8 giờ
    LazyPattern(r"(?<![\d/.:])\b\d{1,2}\s*(?:gio|h|g(?=\d))(?:\s*\d{1,2}(?:\s*(?:phut|p)\b)?)?\b"
               r"|(?<![\d/.:])\b\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?\b"),
    # numbering at the start of the cell: "3.2.", "3.", "1)", "a)", "IV."
    LazyPattern(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*\s*[.)]|[a-z]\)|[ivx]+\.)(?=\s)"),
    # a weekday before its date: "Thứ 6, ngày 14/6", "thứ Sáu 14/6", "Chủ nhật, 16/6"
    LazyPattern(r"\b(?:thu\s+(?:[2-7]|hai|ba|tu|nam|sau|bay)|chu\s+nhat)\b"
               r"(?=\s*[,(-]?\s*(?:ngay\b|\d{1,2}\s*[/.-]\s*\d))"),
    # a document reference and its date: số 21/KH-BTĐKT ngày 10/6/2024, 98/2023/NĐ-CP, 34-CT/TW
    LazyPattern(
        r"(?:\bso\s*\d{0,5}\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z0-9]*(?:\s*[-/]\s*[a-z][a-z0-9]*)*"
        r"|\b\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[a-z][a-z0-9]*(?:\s*-\s*[a-z][a-z0-9]*)+"
        r"|\b\d{1,5}\s*/\s*\d{4}\s*/\s*[a-z][a-z0-9]*"
        r"|\b\d{1,5}\s*-\s*[a-z]+\s*/\s*[a-z]+\b)"
        r"(?:\s*,?\s*ngay\s+\d{1,2}\s*(?:[/.-]|thang)\s*\d{1,2}(?:\s*(?:[/.-]|,?\s*nam)\s*\d{2,4})?)?"
    ),
]


def drop_noise(text: str) -> str:
    """Blank out times of day and other numbers that are not dates.

    >>> drop_noise("truoc 16 gio 30 ngay 15/6")
    'truoc   ngay 15/6'
    """
    for pattern in _NOISE:
        text = pattern.sub(" ", text)
    return text


# --- can-chi years -----------------------------------------------------------

def canchi_index(can: str, chi: str) -> int | None:
    """Place (0–59, 0 = Giáp Tý) of a can-chi year name, folded; None if no year has it.

    Folding makes Tý and Tỵ both "ty": the stem decides, as a stem and a branch always
    share their parity.

    >>> canchi_index("at", "ty"), canchi_index("canh", "ty"), canchi_index("giap", "suu")
    (41, 36, None)
    """
    stem = _CAN.index(can)
    branch = 3 if chi == "meo" else _CHI.index(chi)
    if branch in (0, 5):
        branch = 0 if stem % 2 == 0 else 5
    return next((n for n in range(60) if n % 10 == stem and n % 12 == branch), None)


def canchi_year(index: int, plan_year: int) -> int:
    """The Gregorian year nearest ``plan_year`` whose Tết starts the can-chi year ``index``.

    >>> canchi_year(41, 2024), canchi_year(40, 2023)  # Ất Tỵ, Giáp Thìn
    (2025, 2024)
    """
    later = plan_year + (index - (plan_year - 4)) % 60  # 1984 was Giáp Tý
    return later if later - plan_year <= 30 else later - 60


def canchi_name(can: str, chi: str) -> str:
    """The written name of a folded can-chi pair, for a message.

    >>> canchi_name("giap", "suu")
    'Giáp Sửu'
    """
    chi_index = _CHI.index("mao" if chi == "meo" else chi)
    return f"{_CAN_NAMES[_CAN.index(can)]} {_CHI_NAMES[chi_index]}"
