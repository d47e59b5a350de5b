"""The exceptions the command line turns into one readable line and an exit code.

A user's mistake or a problem in the data or the store must print one line that says what
to fix and exit with the code on its class; anything else is a bug and prints a traceback.
The exit codes (the same table is in the README):

====  =====================================================================================
0     success
1     ``DataError``: a check failed or the data is wrong (curation, SHACL, a missing release)
2     ``UsageError``: the command was given something it cannot use (option, name, query text)
3     ``EngineError``: the endpoint or store could not be reached or failed
70    an unexpected error: a bug in mgkg (the traceback is printed; please report it)
====  =====================================================================================
"""

from __future__ import annotations

#: Exit code for an unexpected exception (``EX_SOFTWARE`` in BSD's sysexits.h).
BUG_EXIT_CODE = 70


class UserError(Exception):
    """A problem the user can fix; ``exit_code`` (on each subclass) is what the command returns."""

    exit_code = 1


class DataError(UserError):
    """The data does not pass a check, or an input file is missing or malformed: exit 1."""

    exit_code = 1


class ReportedError(DataError):
    """Checks failed with a report the user reads (curation problems, SHACL violations): exit 1.

    Defined here, without heavy imports, so the command line can catch it without loading
    the build machinery on every command.
    """


class UsageError(UserError):
    """An option, a name, a parameter or a query the command cannot use: exit 2."""

    exit_code = 2


class EngineError(UserError):
    """The SPARQL endpoint or the store could not be reached or answered with an error: exit 3."""

    exit_code = 3
