"""Take a process off the network: the second defence of the endpoint's query workers.

The query engine sends an HTTP request for every ``SERVICE`` clause it evaluates. The
server refuses such queries after reading them (:func:`mgkg.web.protocol.check_services`),
but a reading that differs from the engine's by one token would let one through. A worker
in a network namespace of its own has only a loopback interface that is down: every
``connect`` fails with "Network is unreachable", whatever the query says, so a checker
mistake costs an error message, not a request to another server.

Linux only, through ``unshare(2)`` from libc (Python 3.11 has no ``os.unshare``): a
process with ``CAP_SYS_ADMIN`` (root) takes a new network namespace directly; anyone else
first takes a user namespace, where unprivileged user namespaces are enabled. The call
must come before the process starts threads (a user namespace requires a single thread).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import socket
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


class SandboxError(OSError):
    """The process could not be taken off the network; the message says why."""


def isolate_network() -> str:
    """Move this process into a new, empty network namespace, then prove it has no network.

    Returns how it was done (for the log). Raises :class:`SandboxError` when the platform
    or its settings do not allow it, or when a connection attempt afterwards does not fail
    the way an isolated process's must.
    """
    if not sys.platform.startswith("linux"):
        raise SandboxError(f"network namespaces are a Linux feature; this is {sys.platform}")
    libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    reasons: list[str] = []
    for flags, how in (
        (CLONE_NEWNET, "a network namespace"),
        (CLONE_NEWUSER | CLONE_NEWNET, "a user and network namespace"),
    ):
        if libc.unshare(flags) == 0:
            _prove_offline()
            return how
        code = ctypes.get_errno()
        reasons.append(f"{how}: {os.strerror(code)}")
    raise SandboxError("cannot leave the network (unshare failed: " + "; ".join(reasons) + ")")


def _prove_offline() -> None:
    """A TCP connect to the loopback address must fail as unreachable (not be refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", 9))
        except OSError as exc:
            if exc.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
                return
            raise SandboxError(f"the network is still reachable after unshare ({exc})") from None
    raise SandboxError("the network is still reachable after unshare (a connection succeeded)")
