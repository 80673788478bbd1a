"""Reporters: pure functions from a :class:`~checker.results.RunResult` to a document; none re-runs a check.

``html`` writes the self-contained report a supervision officer opens from disk.
"""
