"""The exception types the command line turns into a clean message and an exit code.

Why: a user mistake (a bad query, an unknown name, an unreachable endpoint) must print
one readable line and exit non-zero, never a traceback. Library code raises
``UserError``; ``mgkg.cli.main`` prints it.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; ``exit_code`` is what the command line returns."""

    def __init__(self, message: str, exit_code: int = 2):
        super().__init__(message)
        self.exit_code = exit_code


class ReportedError(Exception):
    """Checks failed with a report the user reads (curation problems, SHACL violations): exit 1.

    Defined here, without heavy imports, so the command line can catch it without loading
    the build machinery on every command.
    """
