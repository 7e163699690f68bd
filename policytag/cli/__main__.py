"""``python -m policytag.cli``: the command line, as the ``policytag`` script runs it."""

from policytag.cli import app

app()
