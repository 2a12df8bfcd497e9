"""Formats other programs speak: workbooks, OneRoster, calendars, spreadsheets, the report."""
