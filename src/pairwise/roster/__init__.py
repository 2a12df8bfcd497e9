"""The roster: its models, reading, validation, published schemas and the objective's terms."""
