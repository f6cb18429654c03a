"""Intake: telling file formats, package safety checks, worker processes, reading workbook files,
and checking a unit's report against the plan."""
