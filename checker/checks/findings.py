"""The finding helpers, re-exported for the check families; they live in :mod:`checker.findings`, below the
checks, so lower layers (link judging) build findings without importing a check package."""

from checker.findings import iso, make_finding

__all__ = ["iso", "make_finding"]
