"""Unit reports: the report workbook's layout and the template written for each unit."""
