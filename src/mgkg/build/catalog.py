"""The query catalog: ``queries/*.rq`` files with a grlc-style header, and their RDF description.

A catalog file starts with a header, the leading lines that begin with ``#+``; with that
marker stripped they are YAML::

    #+ title: Conditions linked to the NMDA receptor
    #+ description: Which conditions ... and through which claims.
    #+ params:
    #+   receptor: {type: iri, default: "kg:nmda-receptor", description: "the receptor"}
    #+ tags: [mechanism, conditions]

A parameter ``x`` binds the SPARQL variable ``?x`` (see :mod:`mgkg.query.engine`); a SELECT
should project it, since pyoxigraph substitutes only projected variables. Types: ``iri``
(a full IRI, a CURIE with a project prefix, or an entity label), ``string``, ``integer``,
``decimal``.

Why the header is checked strictly (unknown keys, types, variables that do not occur in
the query are errors naming ``file:line``): the catalog is published as RDF
(``graph/catalog.ttl``, one ``sh:SPARQLExecutable`` per query) and listed by ``mgkg
queries``, so a typo in a header would otherwise ship silently.

This module also holds a small SPARQL scanner (comments, strings and IRIs skipped) used
to find a query's form, its variables and where its WHERE group opens; it is not a
parser, and the engines report real syntax errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mgkg.errors import UsageError
from mgkg.prefixes import DEFAULT_BASE, expand_iri

HEADER_MARK = "#+"
PARAM_TYPES = ("iri", "string", "integer", "decimal")
HEADER_KEYS = ("title", "description", "params", "tags")
PARAM_KEYS = ("type", "default", "description")
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CatalogError(UsageError):
    """A catalog file is malformed (the message starts with ``file:line:``)."""


@dataclass(frozen=True)
class Param:
    """One declared parameter: binds the SPARQL variable ``?name``."""

    name: str
    type: str
    default: str | None = None
    description: str = ""


@dataclass(frozen=True)
class CatalogQuery:
    """One query: its header fields, its text and its form (SELECT, ASK, CONSTRUCT, DESCRIBE)."""

    name: str
    title: str
    description: str
    text: str
    form: str
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    path: Path | None = None
    header_lines: int = 0

    @property
    def body(self) -> str:
        """The query without its header (what the catalog RDF publishes)."""
        return "".join(self.text.splitlines(keepends=True)[self.header_lines :]).lstrip("\n")

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


# ---------------------------------------------------------------------------
# A small SPARQL scanner
# ---------------------------------------------------------------------------

# The terminals follow the SPARQL 1.1 grammar (§19.8) where a difference could hide text
# from a safety check: white space is space, tab, CR and LF only; a comment runs to the
# first CR *or* LF; short strings stop at CR and LF and know only the grammar's escapes;
# an IRI may carry \u/\U escapes (as the query engine accepts); a prefixed name's local
# part takes the backslash escapes of PN_LOCAL_ESC (so ``ex:a\'`` opens no string);
# ``<<`` and ``>>`` (quoted triples) are tokens of their own. Codepoint escapes outside
# strings and IRIs are left as they are: the engine does not undo them either.
_ECHAR = r"""\\[tbnrf"'\\]"""
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_TOKEN = re.compile(
    rf"""
    (?P<ws>[\x20\t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<string>'''(?:'{{0,2}}(?:[^'\\]|{_ECHAR}))*'''|\"\"\"(?:"{{0,2}}(?:[^"\\]|{_ECHAR}))*\"\"\"
               |'(?:[^'\\\n\r]|{_ECHAR})*'|"(?:[^"\\\n\r]|{_ECHAR})*")
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)
  | (?P<word>(?:[^\W\d][\w.\-\u00b7]*)?:(?:[\w.:%\-\u00b7]|\\[_~.\-!$&'()*+,;=/?\#@%])*
             |[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<other><<|>>|.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int  # brace depth before the token


def scan(text: str) -> Iterator[Token]:
    """Tokens of a SPARQL text, without white space and comments, with their brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        token = Token(kind, match.group(), match.start(), match.end(), depth)
        if kind == "other" and token.text == "{":
            depth += 1
        elif kind == "other" and token.text == "}":
            depth = max(0, depth - 1)
        yield token


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; ``UPDATE`` for an update request; None if unknown."""
    for token in scan(text):
        if token.kind != "word" or token.depth:
            continue
        word = token.text.upper()
        if word in QUERY_FORMS:
            return word
        if word in UPDATE_KEYWORDS:
            return "UPDATE"
    return None


def variables(text: str) -> set[str]:
    """Names of the variables (``?x`` or ``$x``) a query mentions."""
    return {t.text[1:] for t in scan(text) if t.kind == "var"}


def where_group_start(text: str) -> int | None:
    """Offset just after the ``{`` that opens the query's top-level WHERE group (None if none)."""
    tokens = list(scan(text))
    form_seen = False
    first_group: int | None = None
    for i, token in enumerate(tokens):
        if token.depth:
            continue
        if token.kind == "word" and token.text.upper() in QUERY_FORMS:
            form_seen = True
        elif token.kind == "word" and token.text.upper() == "WHERE":
            following = next((t for t in tokens[i + 1 :] if t.depth == 0), None)
            if following is not None and following.text == "{":
                return following.end
            return None
        elif token.text == "{" and form_seen and first_group is None:
            first_group = token.end
    # SELECT, ASK and DESCRIBE may omit the WHERE keyword; CONSTRUCT's first group is its template.
    form = query_form(text)
    return first_group if form in ("SELECT", "ASK", "DESCRIBE") else None


# ---------------------------------------------------------------------------
# Headers and the catalog
# ---------------------------------------------------------------------------


def split_header(text: str) -> tuple[str, int]:
    """The header's YAML text and the number of header lines."""
    lines = text.splitlines()
    yaml_lines = []
    for line in lines:
        if not line.startswith(HEADER_MARK):
            break
        rest = line[len(HEADER_MARK) :]
        if rest and not rest.startswith(" "):
            break
        yaml_lines.append(rest[1:] if rest else "")
    return "\n".join(yaml_lines), len(yaml_lines)


def _where(path: Path | None, line: int | None = None) -> str:
    shown = _display(path) if path else "<query>"
    return f"{shown}:{line}" if line else shown


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _scalar(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_query_text(
    text: str, name: str, path: Path | None = None, require_header: bool = True
) -> CatalogQuery:
    """Parse one query file's text (header and form); ``CatalogError`` names file:line."""
    import yaml

    header, count = split_header(text)
    where = _where(path)
    if not count:
        if require_header:
            raise CatalogError(f"{where}:1: no header: a catalog query starts with '#+ title: ...' lines")
        data: dict = {}
    else:
        try:
            data = yaml.safe_load(header) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            raise CatalogError(f"{_where(path, line)}: header is not valid YAML: {problem}") from None
        if not isinstance(data, dict):
            raise CatalogError(
                f"{_where(path, 1)}: the header must be a YAML mapping (title, description, ...)"
            )

    def fail(message: str, key: str | None = None) -> CatalogError:
        line = _header_line(text, key) if key else 1
        return CatalogError(f"{_where(path, line)}: {message}")

    unknown = sorted(set(data) - set(HEADER_KEYS))
    if unknown:
        raise fail(f"unknown header key {unknown[0]!r} (allowed: {', '.join(HEADER_KEYS)})", unknown[0])
    if require_header:
        for key in ("title", "description"):
            if not isinstance(data.get(key), str) or not data[key].strip():
                raise fail(f"header needs a non-empty '{key}'", key if key in data else None)
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str | int) for t in tags):
        raise fail("'tags' must be a list of words", "tags")

    form = query_form(text)
    if form is None:
        raise fail("no query form found (SELECT, ASK, CONSTRUCT or DESCRIBE)")
    if form == "UPDATE":
        raise fail("only queries are allowed here, not updates (INSERT, DELETE, LOAD, ...)")

    params = _parse_params(data.get("params"), text, fail)
    return CatalogQuery(
        name=name,
        title=str(data.get("title") or name).strip(),
        description=" ".join(str(data.get("description") or "").split()),
        text=text,
        form=form,
        params=params,
        tags=tuple(str(t) for t in tags),
        path=path,
        header_lines=count,
    )


def _parse_params(raw: object, text: str, fail) -> tuple[Param, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise fail("'params' must be a mapping: name -> {type, default, description}", "params")
    mentioned = variables(text)
    params = []
    for name, spec in raw.items():
        name = str(name)
        if not VARIABLE_NAME.match(name):
            raise fail(f"parameter name {name!r} is not a SPARQL variable name", "params")
        if isinstance(spec, str):  # shorthand: `name: iri`
            spec = {"type": spec}
        if not isinstance(spec, dict):
            raise fail(f"parameter {name!r}: expected {{type, default, description}}", "params")
        unknown = sorted(set(spec) - set(PARAM_KEYS))
        if unknown:
            raise fail(
                f"parameter {name!r}: unknown key {unknown[0]!r} (allowed: {', '.join(PARAM_KEYS)})", "params"
            )
        kind = spec.get("type")
        if kind not in PARAM_TYPES:
            raise fail(
                f"parameter {name!r}: type must be one of {', '.join(PARAM_TYPES)} (got {kind!r})", "params"
            )
        if name not in mentioned:
            raise fail(f"parameter {name!r}: the query has no variable ?{name} to bind", "params")
        params.append(
            Param(
                name, kind, _scalar(spec.get("default")), " ".join(str(spec.get("description") or "").split())
            )
        )
    return tuple(params)


def _header_line(text: str, key: str | None) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith(HEADER_MARK):
            break
        if key and re.match(rf"^#\+\s*{re.escape(key)}\s*:", line):
            return number
    return 1


def read_query(path: Path, require_header: bool = True) -> CatalogQuery:
    """Read one ``.rq`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    return parse_query_text(text, path.stem, path, require_header=require_header)


@dataclass
class Catalog:
    """All catalog queries, by name (sorted)."""

    directory: Path
    queries: dict[str, CatalogQuery] = field(default_factory=dict)

    def __iter__(self) -> Iterator[CatalogQuery]:
        return iter(self.queries.values())

    def __len__(self) -> int:
        return len(self.queries)

    def __contains__(self, name: object) -> bool:
        return name in self.queries

    def get(self, name: str) -> CatalogQuery:
        """The query called ``name``; an unknown name suggests the nearest ones."""
        if name in self.queries:
            return self.queries[name]
        raise UsageError(f"no query named {name!r} in the catalog{suggest(name, self.queries)}")

    def with_tag(self, tag: str) -> list[CatalogQuery]:
        return [q for q in self if tag in q.tags]


def suggest(name: str, names: Iterable[str]) -> str:
    """'; did you mean ...?' with the nearest names, or a pointer to ``mgkg queries``."""
    import difflib

    names = list(names)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    close += [n for n in names if name and name in n and n not in close][: 3 - len(close)]
    if close:
        return "; did you mean " + " or ".join(repr(n) for n in close) + "? (`mgkg queries` lists them all)"
    return " (`mgkg queries` lists them all)"


def load_catalog(directory: Path) -> Catalog:
    """Every ``*.rq`` file of ``directory`` (header-checked), sorted by name."""
    catalog = Catalog(directory)
    if not directory.is_dir():
        return catalog
    for path in sorted(directory.glob("*.rq")):
        if not NAME.match(path.stem):
            raise CatalogError(f"{_where(path)}: file names are lower-case words joined by hyphens")
        catalog.queries[path.stem] = read_query(path)
    return catalog


# ---------------------------------------------------------------------------
# The catalog as RDF (graph/catalog.ttl)
# ---------------------------------------------------------------------------

_EXECUTABLE = {
    "SELECT": ("SPARQLSelectExecutable", "select"),
    "ASK": ("SPARQLAskExecutable", "ask"),
    "CONSTRUCT": ("SPARQLConstructExecutable", "construct"),
}
_DATATYPES = {"string": "string", "integer": "integer", "decimal": "decimal"}


def catalog_graph(catalog: Iterable[CatalogQuery], base=None):
    """One ``sh:SPARQLExecutable`` per query (SHACL-AF / SIB sparql-examples style).

    Each query is ``{base}query/NAME`` with ``rdfs:label`` (title), ``rdfs:comment``
    (description), ``schema:keywords`` (tags), ``schema:target`` (the dataset), its text in
    ``sh:select`` / ``sh:ask`` / ``sh:construct`` (``schema:text`` for DESCRIBE), and one
    ``sh:Parameter`` per parameter with ``sh:name``, ``sh:description``, ``sh:defaultValue``
    and ``sh:datatype`` or ``sh:nodeKind sh:IRI``. Under another base, the project IRIs in
    the query texts move with it.
    """
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

    from mgkg.vocab import DEFAULT_BASE, SCHEMA, SH, Base

    base = base or Base()
    queries_ns = Namespace(base.iri + "query/")
    dataset = URIRef(base.iri + "void#mgkg")
    graph = Graph()
    for prefix, namespace in base.prefixes().items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("sh", SH, override=True, replace=True)
    graph.bind("mgkgq", queries_ns, override=True, replace=True)

    for query in sorted(catalog, key=lambda q: q.name):
        node = queries_ns[query.name]
        body = query.body.replace(DEFAULT_BASE, base.iri) if base.iri != DEFAULT_BASE else query.body
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        if query.form in _EXECUTABLE:
            cls, prop = _EXECUTABLE[query.form]
            graph.add((node, RDF.type, SH[cls]))
            graph.add((node, SH[prop], Literal(body)))
        else:
            graph.add((node, SCHEMA.text, Literal(body)))
        graph.add((node, RDFS.label, Literal(query.title, lang="en")))
        graph.add((node, RDFS.comment, Literal(query.description, lang="en")))
        graph.add((node, DCTERMS.identifier, Literal(query.name)))
        graph.add((node, SCHEMA.target, dataset))
        for tag in query.tags:
            graph.add((node, SCHEMA.keywords, Literal(tag)))
        for param in query.params:
            pnode = URIRef(f"{node}#param-{param.name}")
            graph.add((node, SH.parameter, pnode))
            graph.add((pnode, RDF.type, SH.Parameter))
            graph.add((pnode, SH.path, URIRef(f"{node}#{param.name}")))
            graph.add((pnode, SH.name, Literal(param.name)))
            graph.add((pnode, RDFS.label, Literal(f"{param.name} (parameter of {query.name})", lang="en")))
            if param.description:
                graph.add((pnode, SH.description, Literal(param.description, lang="en")))
            if param.type == "iri":
                graph.add((pnode, SH.nodeKind, SH.IRI))
            else:
                graph.add((pnode, SH.datatype, XSD[_DATATYPES[param.type]]))
            if param.default is not None:
                graph.add((pnode, SH.defaultValue, _default_term(param, base)))
    return graph


def _default_term(param: Param, base):
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    value = param.default or ""
    if param.type == "integer":
        return Literal(value, datatype=XSD.integer)
    if param.type == "decimal":
        return Literal(value, datatype=XSD.decimal)
    if param.type == "iri":
        iri = expand_iri(value, getattr(base, "iri", DEFAULT_BASE))
        return URIRef(iri) if iri else Literal(value)  # a label default stays a literal
    return Literal(value)


def catalog_turtle(directory: Path, base=None) -> str:
    """``graph/catalog.ttl``: the catalog of ``directory`` as Turtle (deterministic)."""
    return catalog_graph(load_catalog(directory), base).serialize(format="turtle")
