"""The demo and the sample plan workbook."""
