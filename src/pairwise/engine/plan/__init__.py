"""From a solved model to a plan: the plan's records, and the reasons in words."""
