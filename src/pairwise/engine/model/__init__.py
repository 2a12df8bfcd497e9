"""The CP-SAT models: the plan model with its visit slots, and the sabbatical model."""
