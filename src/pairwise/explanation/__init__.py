"""Why a roster has no plan: pre-checks, a feasibility model, minimal conflicts, relaxations."""
