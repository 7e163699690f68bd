"""Output conventions shared by the CLI commands: JSON on stdout, JSON errors and exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError  # typer 0.29 vendors Click
from typer.core import TyperGroup

BAD_INPUT = 2
MIN_YEAR, MAX_YEAR = 1978, 2100  # the API's bounds on a reporting year (serving/schemas.py)
YearOption = Annotated[int | None, typer.Option(min=MIN_YEAR, max=MAX_YEAR,
                                                help=f"Reporting year ({MIN_YEAR}-{MAX_YEAR}); overrides detection.")]


def emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def fail(message: str, code: int = BAD_INPUT) -> NoReturn:
    """Print ``{"error": message}`` to stderr and exit (default code 2: bad input)."""
    sys.stderr.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
    raise typer.Exit(code)


class JsonErrorsGroup(TyperGroup):
    """The root command: Click's own errors (an unknown command or option, a bad or missing value) are printed
    as ``{"error": ...}`` on stderr with exit 2, like every error a command reports itself (``fail``)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, windows_expand_args: bool = True,
             **extra: Any) -> Any:
        run = dict(args=args, prog_name=prog_name, complete_var=complete_var,
                   windows_expand_args=windows_expand_args, **extra)
        if not standalone_mode:
            return super().main(standalone_mode=False, **run)
        try:
            code = super().main(standalone_mode=False, **run)
        except NoArgsIsHelpError as exc:  # no command: the help, as Click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except ClickException as exc:
            command = exc.ctx.command_path if isinstance(exc, UsageError) and exc.ctx else "policytag"
            message = f"{command}: {exc.format_message().rstrip('.')} (see {command} --help)"
            sys.stderr.write(json.dumps({"error": message}, ensure_ascii=False) + "\n")
            sys.exit(BAD_INPUT)
        except typer.Abort:
            sys.stderr.write(json.dumps({"error": "aborted"}) + "\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _read_text(path: Path) -> str:
    """A file's UTF-8 text, or standard input's for ``-``."""
    if str(path) == "-":
        return sys.stdin.read()
    if not path.is_file():
        fail(f"no such file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")


def _segment_output(text: str) -> list[dict] | None:
    """The segments of ``policytag segment``'s output (one JSON document with a "segments" list), else None."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return None
    return doc["segments"] if isinstance(doc, dict) and isinstance(doc.get("segments"), list) else None


def read_segments(path: Path) -> list[dict]:
    """Segments from JSONL (one {"id", "text"} per line) or from ``policytag segment``'s output; ``-``: stdin."""
    text = _read_text(path)
    segments = _segment_output(text)
    lines = [json.dumps(s, ensure_ascii=False) for s in segments] if segments is not None else text.splitlines()
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            fail(f"{path}:{n}: not JSON ({exc.msg})")
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or "id" not in row:
            fail(f"{path}:{n}: each line needs an \"id\" and a string \"text\"")
        rows.append(row)
    if not rows:
        fail(f"{path}: no segments")
    return rows
