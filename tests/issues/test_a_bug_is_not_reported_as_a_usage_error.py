"""Regression: the command line turned any ``ValueError`` into "usage error" (exit 2).

A bug then looked like the user's mistake and hid its traceback. Now only the classes in
``mgkg.errors`` carry an exit code; anything else exits 70 with the traceback.
"""

from __future__ import annotations

import argparse

import pytest

import mgkg.cli.build as build_commands
from mgkg.cli import main
from mgkg.errors import BUG_EXIT_CODE, DataError, EngineError, UsageError


def _raising(exc: BaseException):
    def command(args: argparse.Namespace) -> int:
        raise exc

    return command


def test_an_unexpected_exception_exits_70_with_its_traceback(monkeypatch, capsys):
    monkeypatch.setattr(build_commands, "cmd_stats", _raising(ValueError("list index out of range")))
    assert main(["stats"]) == BUG_EXIT_CODE == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "ValueError: list index out of range" in err
    assert "a bug in mgkg" in err


@pytest.mark.parametrize(
    ("exc", "code"),
    [(DataError("no release"), 1), (UsageError("unknown query"), 2), (EngineError("cannot reach"), 3)],
)
def test_each_error_class_exits_with_its_own_code_and_one_line(monkeypatch, capsys, exc, code):
    monkeypatch.setattr(build_commands, "cmd_stats", _raising(exc))
    assert main(["stats"]) == code
    err = capsys.readouterr().err
    assert err == f"mgkg stats: {exc}\n"  # one line, no traceback


def test_log_level_options(monkeypatch, capsys):
    import logging

    def command(args: argparse.Namespace) -> int:
        logging.getLogger("mgkg.test").info("details for -v")
        logging.getLogger("mgkg.test").warning("a warning")
        return 0

    monkeypatch.setattr(build_commands, "cmd_stats", command)
    assert main(["stats"]) == 0
    assert capsys.readouterr().err == "mgkg: WARNING: a warning\n"
    assert main(["-v", "stats"]) == 0
    assert capsys.readouterr().err == "mgkg: INFO: details for -v\nmgkg: WARNING: a warning\n"
    assert main(["-q", "stats"]) == 0
    assert capsys.readouterr().err == ""
