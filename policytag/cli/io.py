"""Output conventions shared by the CLI commands: JSON on stdout, JSON errors and exit 2."""

from __future__ import annotations

import json
import sys

import typer

BAD_INPUT = 2


def emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def fail(message: str, code: int = BAD_INPUT):
    """Print ``{"error": message}`` to stderr and exit (default code 2: bad input)."""
    sys.stderr.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
    raise typer.Exit(code)
