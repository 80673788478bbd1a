"""Check families. Each module pairs plain observations with a pure ``judge`` returning findings."""
