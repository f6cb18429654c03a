"""The đôn đốc e-mails: one ready message (.eml) per unit to chase, beside the công văn.

Each is an RFC 5322 message made by the standard library's :mod:`email` (the Vietnamese subject
and the unit's name in the "To" header as RFC 2047 encoded words, the body as UTF-8 text in
base64), addressed to the unit's "Email" of the "Đơn vị" sheet, marked
as a draft ("X-Unsent: 1", so that Outlook opens it ready to send). A unit without an address still gets its
message (without "To", to be completed) and is listed, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from email.header import Header
from email.message import Message
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from tdkt_xl.atomic import atomic_path
from tdkt_xl.consolidation.aggregate import CHASE_ORDER, Consolidation, UnitSubmission, to_chase
from tdkt_xl.documents.admin_document import issuer_from_plan
from tdkt_xl.documents.reminder_letter import resend_advice, vn_day, write_reminder_letter
from tdkt_xl.errors import InvalidValue
from tdkt_xl.plans.models import Plan

_ADDRESS = re.compile(r"^[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+$")
_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]+")
_VIETNAM = timezone(timedelta(hours=7))


@dataclass
class Emails:
    """The messages written, and the units among them without an address (code, name)."""

    written: list[Path] = field(default_factory=list)
    without_address: list[tuple[str, str]] = field(default_factory=list)


def addresses(text: str) -> list[str]:
    """The well-formed addresses of an "Email" cell (several may be written, separated by ";", ","
    or spaces), each once.

    >>> addresses("vanthu@sgtvt.gov.vn; ld@x.vn, vanthu@sgtvt.gov.vn chưa rõ")
    ['vanthu@sgtvt.gov.vn', 'ld@x.vn']
    """
    return list(dict.fromkeys(piece for piece in re.split(r"[;,\s]+", text) if _ADDRESS.match(piece)))


def first_address(text: str) -> str | None:
    """The first well-formed address of an "Email" cell, or None.

    >>> first_address("vanthu@sgtvt.gov.vn; ld@x.vn"), first_address("chưa có")
    ('vanthu@sgtvt.gov.vn', None)
    """
    found = addresses(text)
    return found[0] if found else None


def subject(plan: Plan, item: UnitSubmission) -> str:
    """The message's subject.

    >>> from tdkt_xl.plans.units import Unit
    >>> subject(Plan(year=2024), UnitSubmission(unit=Unit(code="A", name="Sở Y tế"), state="missing"))
    'Đôn đốc gửi báo cáo thi đua, khen thưởng năm 2024 - Sở Y tế'
    """
    what = "Đề nghị gửi lại báo cáo" if item.state == "rejected" else "Đôn đốc gửi báo cáo"
    return f"{what} thi đua, khen thưởng năm {plan.year} - {item.unit.name}"


def body_text(plan: Plan, result: Consolidation, item: UnitSubmission, sender: str) -> str:
    """The message's text for one unit, by where its report stands."""
    deadline = result.report_deadline
    asked = f" (hạn nộp ngày {vn_day(deadline)})" if deadline else ""
    lines = [f"Kính gửi: {item.unit.name},", ""]
    if item.state == "missing":
        lines.append(f"Thực hiện Kế hoạch công tác thi đua, khen thưởng năm {plan.year}, tính đến ngày "
                     f"{vn_day(result.as_of)} {sender} chưa nhận được báo cáo tiến độ và số liệu thi đua, "
                     f"khen thưởng của đơn vị{asked}. Đề nghị đơn vị khẩn trương lập báo cáo trên mẫu đã "
                     "gửi (tệp <mã đơn vị>.xlsx) và gửi lại qua thư điện tử này.")
    elif item.state == "rejected":
        lines.append(f"Thực hiện Kế hoạch công tác thi đua, khen thưởng năm {plan.year}, {sender} đã nhận "
                     "được tệp báo cáo của đơn vị nhưng tệp không tổng hợp được:")
        for outcome in item.rejected:
            lines += ["", f"- Tệp: {outcome.file}", f"  Lý do: {outcome.reason}",
                      f"  {resend_advice(outcome, item.unit.code)}"]
        lines += ["", f"Đề nghị đơn vị sửa theo lý do nêu trên và gửi lại báo cáo{asked}, lập trên mẫu "
                      "đã gửi (không đổi tên sheet và tiêu đề cột)."]
    else:
        made = item.report.submitted_on if item.report else None
        on = f" (lập ngày {vn_day(made)})" if made else ""
        lines.append(f"{sender[:1].upper()}{sender[1:]} đã nhận được báo cáo thi đua, khen thưởng năm "
                     f"{plan.year} của đơn vị{on}, sau thời hạn{asked}. Đề nghị đơn vị lưu ý bảo đảm thời "
                     "hạn ở các kỳ báo cáo sau.")
    lines += ["", "Trân trọng cảm ơn.", sender]
    return "\n".join(lines) + "\n"


def encoded_address(name: str, address: str) -> str:
    """An address with its name, as RFC 5322 and RFC 2047 ask: a name of ASCII only quoted where it
    must be, any other as UTF-8 encoded words of at most 75 characters.

    >>> encoded_address("Ban A, B", "a@b.vn"), encoded_address("Sở Y tế", "a@b.vn")
    ('"Ban A, B" <a@b.vn>', '=?utf-8?b?U+G7nyBZIHThur8=?= <a@b.vn>')
    """
    if name.isascii():
        return formataddr((name, address))
    return f"{Header(name, 'utf-8', header_name='To').encode()} <{address}>"


def reminder_message(plan: Plan, result: Consolidation, item: UnitSubmission, *,
                     sender_address: str | None = None) -> Message:
    """The message to one unit, to every address of its "Email" cell (without "To" when it has
    none).

    Made with the email package's compat32 classes: Python 3.11's folding of a long Vietnamese
    header under ``email.policy.default`` loses the space at a fold ("sáng kiến cấp" read back
    "sáng kiếncấp"); :class:`~email.header.Header` encodes the spaces inside its words.
    """
    sender = issuer_from_plan(plan).body or "Cơ quan thường trực thi đua, khen thưởng"
    message = MIMEText(body_text(plan, result, item, sender), "plain", "utf-8")
    to = addresses(item.unit.email)
    if to:  # every address the cell gives, each with the unit's name
        message["To"] = ",\n ".join(encoded_address(item.unit.name, address) for address in to)
    if sender_address:
        message["From"] = encoded_address(sender, sender_address)
    message["Subject"] = Header(subject(plan, item), "utf-8", header_name="Subject").encode()
    message["Date"] = format_datetime(datetime.combine(result.as_of, time(8), _VIETNAM))
    message["Message-ID"] = make_msgid(domain="tdkt-xl.local")
    message["X-Unsent"] = "1"
    return message


def file_name(item: UnitSubmission) -> str:
    """The message's file name: the unit's code, safe on every file system.

    >>> from tdkt_xl.plans.units import Unit
    >>> file_name(UnitSubmission(unit=Unit(code="SỞ/YT", name="x"), state="missing"))
    'S_YT.eml'
    """
    return f"{_UNSAFE.sub('_', item.unit.code).strip('_.') or 'don_vi'}.eml"


def write_reminder_emails(plan: Plan, result: Consolidation, folder: Path, *,
                          sender_address: str | None = None) -> Emails:
    """One .eml per unit to chase in ``folder`` (each written atomically)."""
    if sender_address is not None and first_address(sender_address) != sender_address:
        raise InvalidValue(f"Địa chỉ thư điện tử người gửi \"{sender_address}\" không hợp lệ.")
    folder.mkdir(parents=True, exist_ok=True)
    done = Emails()
    used: set[str] = set()
    for item in to_chase(result.submissions):
        name = file_name(item)
        stem, number = name[:-4], 2
        while name.casefold() in used:
            name, number = f"{stem}_{number}.eml", number + 1
        used.add(name.casefold())
        message = reminder_message(plan, result, item, sender_address=sender_address)
        target = folder / name
        with atomic_path(target) as temp:
            temp.write_bytes(message.as_bytes())
        done.written.append(target)
        if first_address(item.unit.email) is None:
            done.without_address.append((item.unit.code, item.unit.name))
    return done


def run_reminders(plan_path: Path, inbox: Path, out: Path, *, as_of: date | None = None,
                  eml: Path | None = None, workers: int = 2) -> list[str]:
    """``tdkt-xl don-doc``: read the plan at ``plan_path`` (a master or a unit report given as the
    plan is refused), consolidate ``inbox`` (nothing else is written), write the công văn đôn đốc
    to ``out`` and, with ``eml``, one message per unit to chase; what to say when done."""
    from tdkt_xl.documents.sources import load_consolidation

    loaded = load_consolidation(plan_path, inbox=inbox, as_of=as_of, workers=workers)
    plan, result = loaded.plan, loaded.consolidation
    if not plan.units:
        raise InvalidValue('Sổ kế hoạch chưa có sheet "Đơn vị" nên chưa biết đơn vị nào phải nộp báo cáo. '
                           "Thêm sheet đó (Mã đơn vị, Tên đơn vị, Email) rồi chạy lại.")
    write_reminder_letter(plan, result, out)
    chased = to_chase(result.submissions)
    counts = {state: [s.unit.code for s in chased if s.state == state] for state in CHASE_ORDER}
    lines = [f"Công văn đôn đốc: {out}",
             f"Tính đến ngày {vn_day(result.as_of)}: {len(chased)} đơn vị cần đôn đốc ("
             f"{len(counts['missing'])} chưa nộp, {len(counts['rejected'])} có tệp bị loại, "
             f"{len(counts['late'])} nộp muộn)."]
    if eml is not None:
        emails = write_reminder_emails(plan, result, eml)
        lines.append(f"Thư điện tử soạn sẵn: {len(emails.written)} tệp .eml trong {eml}.")
        if emails.without_address:
            named = ", ".join(f"{code} ({name})" for code, name in emails.without_address)
            lines.append(f"Chưa có địa chỉ thư điện tử (thư để trống người nhận; bổ sung cột Email ở sheet "
                         f"Đơn vị): {named}.")
    return lines
