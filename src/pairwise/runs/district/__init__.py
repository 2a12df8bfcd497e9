"""A district solved school by school, with cross-school coaching placed after."""
