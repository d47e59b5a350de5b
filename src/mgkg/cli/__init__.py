"""The ``mgkg`` command line: one module per command group, thin over the layers below.

Owns argument parsing, logging set-up and the one mapping from exceptions to exit codes
(the table is in :mod:`mgkg.errors` and the README). May import every layer; nothing imports
it except ``python -m mgkg`` and ``build_graph.py``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence

#: Modules that contribute subcommands; each has ``add_commands(subparsers)``. Command
#: modules import their heavy dependencies inside the command functions, so that
#: ``mgkg query`` never pays for pyvis, pyshacl or networkx.
COMMAND_MODULES: tuple[str, ...] = ("mgkg.cli.build", "mgkg.cli.query", "mgkg.cli.viz", "mgkg.cli.serve")

log = logging.getLogger("mgkg")


def get_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mgkg", description="The magnesium and brain health evidence graph."
    )
    parser.add_argument("--root", help="project directory (default: this checkout)")
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument(
        "-v", "--verbose", dest="log_verbose", action="count", default=0, help="log more (-vv: debug)"
    )
    noise.add_argument("-q", "--quiet", dest="log_quiet", action="store_true", help="log errors only")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def configure_logging(verbose: int = 0, quiet: bool = False) -> None:
    """Log lines go to stderr as ``mgkg: LEVEL: message``; warnings and errors by default."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("mgkg: %(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code (see :mod:`mgkg.errors` for the table)."""
    from mgkg.errors import BUG_EXIT_CODE, UserError

    args = get_parser().parse_args(argv)
    configure_logging(args.log_verbose, args.log_quiet)
    try:
        return args.func(args)
    except UserError as exc:
        print(f"mgkg {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`mgkg query ... | head`): not an error; silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Anything else is a bug, not the user's mistake: show where it happened.
        traceback.print_exc()
        print(f"mgkg {args.command}: unexpected error (a bug in mgkg; please report it)", file=sys.stderr)
        return BUG_EXIT_CODE


__all__ = ["get_parser", "main"]
