"""govcheck: inspect Chinese government websites like the quarterly spot checks do, with evidence."""

__version__ = "0.1.0"
