"""The engine: candidates, columns, the LP bound, the exact relaxation, the CP-SAT models and the plan."""
