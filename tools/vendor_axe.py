"""Vendor axe-core (the accessibility rules engine, from the npm registry) for the browser tests.

Usage: ``python tools/vendor_axe.py VERSION`` (``make axe``) writes ``tests/browser/vendor/
axe.min.js`` and its licence (MPL-2.0, shipped in the package) from that exact version.

Why vendored: the browser tests run offline and must not download anything at test time;
axe-core is a test tool only, so it lives under ``tests/`` and is never served or packaged.
The file is used unchanged; the version it came from is written next to it (``VERSION``)
so a test report names the rules it was checked against.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "tests" / "browser" / "vendor"
FILES = {"package/axe.min.js": "axe.min.js", "package/LICENSE": "axe-LICENSE"}


def vendor(version: str) -> None:
    """Download axe-core@VERSION with npm (``npm pack``), then copy its build and licence."""
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        sys.exit(f"give an exact version such as 4.10.3, not {version!r}")
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch axe-core from the npm registry")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(  # noqa: S603 - fixed arguments, exact version checked above
            [npm, "pack", f"axe-core@{version}", "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"npm pack axe-core@{version} failed: {done.stderr.strip()}")
        tarball = Path(tmp) / done.stdout.strip().splitlines()[-1]
        TARGET.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            for member, name in FILES.items():
                data = archive.extractfile(member)
                if data is None:
                    sys.exit(f"axe-core@{version} has no {member}")
                temporary = TARGET / (name + ".tmp")
                temporary.write_bytes(data.read())
                temporary.replace(TARGET / name)
    (TARGET / "VERSION").write_text(f"axe-core {version}\n", encoding="utf-8")
    print(f"vendored axe-core {version} into {TARGET}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="exact axe-core version, e.g. 4.10.3")
    vendor(parser.parse_args(argv).version)


if __name__ == "__main__":
    main()
