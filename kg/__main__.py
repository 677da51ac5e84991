"""``python -m kg``: the command line."""

from .cli import app

app()
