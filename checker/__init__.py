"""govcheck: inspect Chinese government websites like the quarterly spot checks do, with evidence."""

__version__ = "0.1.0"
USER_AGENT_SUFFIX = f"govcheck/{__version__}"
"""How govcheck names itself in every request it makes (browser and HTTP alike)."""
