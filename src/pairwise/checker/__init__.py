"""The independent checker: every hard rule and objective term, from the roster and the plan alone."""
