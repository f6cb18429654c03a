"""The units' Word reports of an inbox: each read safely (in worker processes, after the package
checks), its unit identified, its text split by the đề cương; the files refused, each with why.

A unit that sent two documents is taken at its newest (by the file's time); the other is listed
as replaced. A document whose unit cannot be told is still gathered, under its file name, with
the code ``unit-not-identified``; each outline heading a document lacks gives ``heading-not-found``.
Nothing here stops on a bad file: it is listed and the others are read.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tdkt_xl.consolidation.aggregate import FileOutcome
from tdkt_xl.consolidation.inbox import scan_inbox
from tdkt_xl.documents.outline_matching import HeadingItem, OutlineSplit, split_by_outline
from tdkt_xl.documents.unit_identity import identify_unit
from tdkt_xl.errors import Code, Problem
from tdkt_xl.intake.report_sheets import report_problem
from tdkt_xl.intake.word_document import WordDocument, is_word_name, read_word_for_pool
from tdkt_xl.intake.worker_pool import ReadResult, read_many
from tdkt_xl.plans.models import Plan
from tdkt_xl.plans.text import shown_name
from tdkt_xl.plans.units import Unit, UnitDirectory


@dataclass
class UnitDocument:
    """One unit's Word report as gathered: the file (as named under the inbox), the unit (None:
    not identified), how it was identified, the header as written, its text by outline item and
    the problems found (``unit-not-identified``, ``heading-not-found``)."""

    file: str
    unit: Unit | None
    how: str | None
    header: str
    split: OutlineSplit
    problems: list[Problem] = field(default_factory=list)
    modified: float = 0.0

    @property
    def name(self) -> str:
        """The unit's name, or the file's when the unit is not known."""
        return self.unit.name if self.unit is not None else f"Chưa xác định đơn vị (tệp {self.file})"


@dataclass
class Gathering:
    """Every unit's Word report of an inbox (``documents``, in the plan's unit order, unknown
    units last) and the files not used (``files``: rejected with why, or replaced by a newer one)."""

    documents: list[UnitDocument] = field(default_factory=list)
    files: list[FileOutcome] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome == "rejected"]

    @property
    def complete(self) -> bool:
        """No file rejected, every document's unit told."""
        return not self.rejected and all(d.unit is not None for d in self.documents)


def gather_document(document: WordDocument, items: Sequence[HeadingItem], directory: UnitDirectory,
                    *, modified: float = 0.0) -> UnitDocument:
    """One document read: its unit and its text by outline item (pure)."""
    identified = identify_unit(document.paragraphs, document.file, directory)
    split = split_by_outline(document.paragraphs, items)
    problems: list[Problem] = []
    if identified.unit is None:
        problems.append(report_problem(Code.UNIT_NOT_IDENTIFIED, document.file, None, None, None,
                                       header=identified.header or "không có", file_name=document.file))
    by_key = {item.key: item for item in items}
    problems += [report_problem(Code.HEADING_NOT_FOUND, document.file, None, None, None,
                                heading=f"{by_key[key].label} {by_key[key].title}".strip())
                 for key in split.missing]
    return UnitDocument(document.file, identified.unit, identified.how, identified.header, split, problems,
                        modified)


def _outcome(result: ReadResult, name: str) -> FileOutcome | WordDocument:
    if result.book is not None and isinstance(result.book.checked, WordDocument):
        return WordDocument(name, result.book.checked.paragraphs)
    reason = result.rejection.reason if result.rejection else "Không đọc được tệp."
    code = result.rejection.code if result.rejection else Code.UNREADABLE
    return FileOutcome(file=name, outcome="rejected", reason=reason, code=code)


def _newest_per_unit(documents: list[UnitDocument], plan_units: Sequence[Unit]
                     ) -> tuple[list[UnitDocument], list[FileOutcome]]:
    order = {unit.code: index for index, unit in enumerate(plan_units)}
    kept: dict[str, UnitDocument] = {}
    replaced: list[FileOutcome] = []
    unknown: list[UnitDocument] = []
    for document in sorted(documents, key=lambda d: (-d.modified, d.file)):
        if document.unit is None:
            unknown.append(document)
        elif document.unit.code in kept:
            newer = kept[document.unit.code]
            replaced.append(FileOutcome(file=document.file, outcome="superseded",
                                        unit_code=document.unit.code,
                                        reason=f"Đã có văn bản mới hơn của đơn vị: {newer.file}"))
        else:
            kept[document.unit.code] = document
    ordered = sorted(kept.values(), key=lambda d: order.get(d.unit.code if d.unit else "", len(order)))
    return ordered + sorted(unknown, key=lambda d: d.file), replaced


def gather_unit_documents(plan: Plan, inbox_dir: Path, items: Sequence[HeadingItem], *, workers: int = 2,
                          timeout_s: float = 60, executor: concurrent.futures.Executor | None = None
                          ) -> Gathering:
    """Read every Word report under ``inbox_dir`` (in worker processes, each after the package
    checks), identify its unit against ``plan``'s Đơn vị list and split it by ``items``."""
    inbox = scan_inbox(inbox_dir)
    directory = UnitDirectory(plan.units or [])
    gathering = Gathering()
    documents: list[UnitDocument] = []
    paths = [inbox.root / name for name in inbox.documents]
    for result in read_many(paths, workers=workers, timeout_s=timeout_s, executor=executor,
                            reader=read_word_for_pool):
        name = inbox.name(result.path)
        read = _outcome(result, name)
        if isinstance(read, FileOutcome):
            gathering.files.append(read)
            continue
        try:
            modified = result.modified if result.modified is not None else result.path.stat().st_mtime
        except OSError:
            modified = 0.0
        documents.append(gather_document(read, items, directory, modified=modified))
    gathering.documents, replaced = _newest_per_unit(documents, plan.units or [])
    gathering.files += replaced
    gathering.files += [FileOutcome(file=shown_name(name), outcome="skipped", code=why.code,
                                    reason=why.reason)
                        for name, why in inbox.skipped_why.items() if is_word_name(name)]
    gathering.files.sort(key=lambda f: f.file)
    return gathering
