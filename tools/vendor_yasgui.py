"""Vendor the YASGUI build (``@zazuko/yasgui`` from the npm registry) into the package.

Usage: ``python tools/vendor_yasgui.py VERSION`` (``make yasgui``) refreshes
``src/mgkg/web/static/yasgui/`` with that exact version; ``--check`` only scans the
vendored files (the tests run it).

Why vendored and patched: the query page must work offline and load nothing from anywhere
but the server. The build is used unchanged except for its remote defaults, which are
replaced (each must be found, so a new version that moves them fails here and is
reviewed): the default endpoints (DBpedia, Wikidata) become the server's ``/sparql``; the
Linked Open Vocabularies autocompletion URL becomes an empty ``data:`` URL (the page also
turns those autocompleters off, and its CSP refuses any request to another origin); two
spam entries of the bundled prefix list are dropped; the source-map comment goes (the map
is not shipped). Then every absolute URL in a position that would load something (fetch,
XMLHttpRequest, src, url(), @import, importScripts) is an error.

The npm package carries no licence file: LICENSE is written from the package metadata
(MIT, as upstream's repository states) with the licence of every bundled dependency
installed next to it, each with its own licence text where the package ships one.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "mgkg" / "web" / "static" / "yasgui"
FILES = ("yasgui.min.js", "yasgui.min.css")

#: (what, exact text in the build, replacement). Every one must occur.
PATCHES: tuple[tuple[str, str, str], ...] = (
    ("endpoint catalogue", "{endpoint:`https://dbpedia.org/sparql`}", "{endpoint:`/sparql`}"),
    ("endpoint catalogue", ",{endpoint:`https://query.wikidata.org/bigdata/namespace/wdq/sparql`}", ""),
    ("default endpoint", "endpoint:`https://dbpedia.org/sparql`", "endpoint:`/sparql`"),
    (
        "LOV autocompletion",
        "`${r}lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms?${o.toString()}`",
        "`data:,`",
    ),
    ("spam prefix", "leaks=`https://onlyfans.com/chelxie/`,", ""),
    ("spam prefix", ",leaks,as,", ",as,"),
    ("spam prefix", "ping=`https://namso-gen.com/`,", ""),
    ("spam prefix", ",ceo,ping,loc,", ",ceo,loc,"),
    ("source map", "\n//# sourceMappingURL=yasgui.min.js.map", ""),
)

#: Absolute URLs where the browser would load them (a link a user follows, ``<a href>``, is
#: not a load: the build has a few to its documentation and to CORS help pages).
LOADS = re.compile(
    r"""(?:fetch\(\s*|\.open\(\s*["'`]\w+["'`]\s*,\s*|\bsrc\s*[:=]\s*|<link\b[^>]*\bhref\s*=\s*|url\(\s*"""
    r"""|@import\s+|importScripts\(\s*|new (?:Worker|EventSource|WebSocket)\(\s*)"""
    r"""["'`]?(?:https?:)?//[\w.-]+""",
    re.I,
)
#: Remote hosts that must be gone after patching.
GONE = ("dbpedia.org/sparql", "query.wikidata.org", "lov.linkeddata.es", "sourceMappingURL")

MIT = """Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""


def patch(name: str, text: str) -> str:
    if name != "yasgui.min.js":
        return text
    for what, old, new in PATCHES:
        if old not in text:
            raise SystemExit(f"{name}: the {what} ({old[:60]}...) is not in this build: review the patches")
        text = text.replace(old, new)
    return text


def problems(name: str, text: str) -> list[str]:
    """What in a vendored file would load something from outside the server."""
    found = [f"{name}: still mentions {host}" for host in GONE if host in text]
    for match in LOADS.finditer(text):
        found.append(f"{name}: loads {text[match.start() : match.end() + 40]!r}")
    return found


def licence(modules: Path, version: str) -> str:
    parts = [
        f"@zazuko/yasgui {version} (https://github.com/rdfjs/Yasgui), vendored from the npm registry.",
        "Licence: MIT. Copyright Triply <info@triply.cc> and Zazuko GmbH and contributors.",
        "",
        "The MIT License (MIT)",
        "",
        MIT,
        "",
        "The build bundles these packages (name, version, licence as each declares it):",
        "",
    ]
    texts = []
    for manifest in sorted(modules.glob("**/package.json")):
        if "build" in manifest.parts:
            continue
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if "name" not in meta or "version" not in meta or manifest.parent.name != meta["name"].split("/")[-1]:
            continue
        declared = meta.get("license") or meta.get("licenses") or "no licence field (see its repository)"
        parts.append(
            f"- {meta['name']} {meta['version']}: {declared if isinstance(declared, str) else json.dumps(declared)}"
        )
        for candidate in sorted(manifest.parent.glob("LICEN[CS]E*")):
            if candidate.is_file():
                body = candidate.read_text(encoding="utf-8", errors="replace").strip()
                texts.append(f"==== {meta['name']} {meta['version']} ({candidate.name}) ====\n\n{body}\n")
                break
    return "\n".join(parts) + "\n\n" + "\n".join(texts)


def vendor(version: str) -> None:
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise SystemExit(f"give an exact version such as 4.6.2, not {version!r}")
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not installed: install Node.js to refresh the YASGUI build")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(  # noqa: S603 - fixed arguments, exact version checked above
            [
                npm,
                "install",
                "--no-save",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--prefix",
                work,
                f"@zazuko/yasgui@{version}",
            ],
            check=True,
        )
        modules = Path(work) / "node_modules"
        build = modules / "@zazuko" / "yasgui" / "build"
        staged = Path(tempfile.mkdtemp(dir=TARGET.parent, prefix=".yasgui-"))
        staged.chmod(0o755)
        try:
            found = []
            for name in FILES:
                text = patch(name, (build / name).read_text(encoding="utf-8"))
                found += problems(name, text)
                (staged / name).write_text(text, encoding="utf-8")
            if found:
                raise SystemExit("\n".join(found))
            (staged / "LICENSE").write_text(licence(modules, version), encoding="utf-8")
            if TARGET.exists():
                shutil.rmtree(TARGET)
            staged.rename(TARGET)
        finally:
            if staged.exists():
                shutil.rmtree(staged)
    print(f"vendored @zazuko/yasgui {version} into {TARGET}")


def check() -> int:
    found = []
    for name in FILES:
        path = TARGET / name
        if not path.is_file():
            found.append(f"{path}: missing (run make yasgui)")
            continue
        found += problems(name, path.read_text(encoding="utf-8"))
    if not (TARGET / "LICENSE").is_file():
        found.append(f"{TARGET / 'LICENSE'}: missing")
    print("\n".join(found) if found else "the vendored YASGUI loads nothing from outside the server")
    return 1 if found else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("version", nargs="?", help="exact @zazuko/yasgui version, e.g. 4.6.2")
    parser.add_argument("--check", action="store_true", help="only scan the vendored files")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    if not args.version:
        parser.error("give a version (or --check)")
    vendor(args.version)
    return check()


if __name__ == "__main__":
    sys.exit(main())
