"""``python -m mailflow`` is the ``mailflow`` command."""

from .cli import main

main()
