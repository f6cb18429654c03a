"""What a nightly run did (:class:`NightlySummary`), and the exit codes it ends with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_OK, EXIT_REJECTED, EXIT_FAILED, EXIT_LOCKED, EXIT_MASTER_IN_USE = 0, 1, 2, 3, 4


@dataclass
class NightlySummary:
    """What a run did; printed, or written with --json, and appended to the run log."""

    run: int = 0
    started: str = ""
    exit_code: int = EXIT_OK
    message: str = ""
    master: str = ""
    files: dict[str, list[str]] = field(default_factory=lambda: {
        "new": [], "changed": [], "unchanged": [], "rejected": [], "superseded": [], "deferred": [],
        "gone": [], "skipped": [], "quarantined": []})
    units: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    took_over_lock: str = ""

    def say(self, text: str) -> None:
        """Add a sentence to the run's message."""
        self.message = f"{self.message} {text}" if self.message else text

    def counts(self) -> dict[str, int]:
        return {kind: len(paths) for kind, paths in self.files.items()}

    def as_json(self, *, unchanged_names: bool = True) -> dict[str, Any]:
        """The summary; without ``unchanged_names`` the unchanged files are only counted (the
        ledger keeps every run's summary, and those are most files every night)."""
        files = self.files if unchanged_names else {k: v for k, v in self.files.items() if k != "unchanged"}
        return {"run": self.run, "started": self.started, "exit_code": self.exit_code,
                "message": self.message, "master": self.master, "counts": self.counts(),
                "files": files, "units": self.units, "phases": self.phases,
                "took_over_lock": self.took_over_lock}
