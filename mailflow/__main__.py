"""``python -m mailflow`` runs the installed ``mailflow`` console script.

It is looked up by name rather than imported, so the core does not import
the workers package that builds the command's runtime.
"""

import sys
from importlib.metadata import entry_points

found = entry_points(group="console_scripts", name="mailflow")
if not found:
    sys.exit("mailflow is not installed: run `pip install .` first")
next(iter(found)).load()()
