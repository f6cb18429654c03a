"""Consolidation: the reports of every unit summed into the master workbook, and the master's writer."""
