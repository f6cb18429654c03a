"""Intake: telling file formats, package safety checks, worker processes and reading workbook files."""
