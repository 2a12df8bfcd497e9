"""Reading a OneRoster 1.1 or 1.2 bulk CSV export into a roster."""
