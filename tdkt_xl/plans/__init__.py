"""Reading plans: text, legacy encodings, the lunar calendar, deadlines, units, grids, the plan
reader and task status (pure: no spreadsheet library)."""
