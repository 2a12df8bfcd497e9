"""Everything people read: calendars, spreadsheets and the HTML report."""
