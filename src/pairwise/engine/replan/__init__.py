"""Re-planning from a date: kept sessions fixed, the best objective, then the fewest changes."""
