"""``python -m checker`` is the ``govcheck`` command."""

from checker.cli import main

main()
