"""Run SPARQL on the embedded store or on any SPARQL 1.1 endpoint, bind parameters, format results.

Binding (never string concatenation of user text):

- a parameter ``x`` binds the variable ``?x``; its value is first turned into an RDF term
  by its declared type (``iri``: a full IRI, a CURIE with a project prefix, or a label
  looked up with ``rdfs:label`` / ``skos:altLabel``; ``string``; ``integer``; ``decimal``);
- both engines get the terms as a ``VALUES`` block placed at the start of the top-level
  WHERE group, written from the terms' own serialization (IRIs pyoxigraph has validated,
  literals escaped). Not a trailing VALUES clause: that would join after LIMIT and
  aggregation (as rdflib's ``initBindings`` does against a remote store, which answers
  differently from a local one). Not pyoxigraph's ``substitutions`` (SEP-0007) either,
  although they give the same answers: pyoxigraph plans the query as if a substituted
  variable were free and binds it afterwards, so the parameter does not narrow the
  search (at 10^6 triples ``summaries-for-entity`` takes 1 s that way, 20 ms with
  VALUES). Only a query with no WHERE group to open (``DESCRIBE <iri>``) is given its
  terms as substitutions.

Results are the same whichever engine ran the query: the remote endpoint is asked for
SPARQL JSON results (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE), one media type per
request (servers stumble on q-values and ``*/*``), and parsed into the same terms as the
embedded engine's, which are then written by one serializer: ``table``, ``csv``, ``tsv``,
``json``, ``xml`` (SPARQL 1.1 result formats, written by pyoxigraph) for SELECT and ASK;
``ttl``, ``nt``, ``jsonld`` for CONSTRUCT and DESCRIBE (triples sorted, so output is
stable).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from mgkg.build.catalog import (
    PARAM_TYPES,
    CatalogQuery,
    parse_query_text,
    variables,
    where_group_start,
)
from mgkg.errors import DataError, EngineError, UsageError, UserError
from mgkg.prefixes import (
    DEFAULT_BASE,
    STANDARD_PREFIXES,
    compact_iri,
    expand_iri,
    project_prefixes,
    result_prefixes,
)

XSD = STANDARD_PREFIXES["xsd"]
RDF_LANG_STRING = STANDARD_PREFIXES["rdf"] + "langString"
TABULAR_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
FORMATS = TABULAR_FORMATS + GRAPH_FORMATS
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
TABLE_CELL_WIDTH = 100

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


# ---------------------------------------------------------------------------
# Requests and results
# ---------------------------------------------------------------------------


@dataclass
class Prepared:
    """A query ready to run: its text, form and the terms bound to its variables."""

    text: str
    form: str
    bindings: dict[str, Term] = field(default_factory=dict)
    source: str = "<query>"

    def with_values(self) -> str:
        """The text with the bindings as a VALUES block opening the WHERE group."""
        if not self.bindings:
            return self.text
        position = _group_start(self.text)
        if position is None:
            raise UsageError(f"{self.source}: cannot bind parameters: no WHERE {{ ... }} group found")
        names = sorted(self.bindings)
        block = " VALUES ({}) {{ ({}) }} ".format(
            " ".join(f"?{n}" for n in names), " ".join(sparql_term(self.bindings[n]) for n in names)
        )
        return self.text[:position] + block + self.text[position:]


class Result:
    """What a query returned: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE).

    A SELECT answer of the embedded engine arrives unread (:meth:`unread`): pyoxigraph
    evaluates a query as its solutions are read, and turning each cell into a Python
    object cost more than the query itself on large answers. The rows are read when first
    asked for; :func:`serialize` instead hands an unread answer to pyoxigraph's own writer,
    which writes the same document without a Python object per cell. A consumer that asks
    for the rows after that gets them from a second run of the query (the store is
    read-only: the same answer).
    """

    def __init__(
        self,
        form: str,
        variables: list[str] | None = None,
        rows: list[tuple[Term | None, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ):
        self.form = form
        self.variables = list(variables or [])
        self._rows: list[tuple[Term | None, ...]] | None = list(rows or [])
        self.boolean = boolean
        self.triples = list(triples or [])
        self.source = "<query>"  # named in errors raised while the answer is read
        self._pending: _Unread | None = None

    @classmethod
    def unread(cls, solutions: ox.QuerySolutions, again, source: str) -> Result:
        """A SELECT answer not read yet; ``again()`` runs the query once more."""
        result = cls("SELECT", [v.value for v in solutions.variables])
        result._rows = None
        result.source = source
        result._pending = _Unread(solutions, again)
        return result

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        if self._rows is None:
            self._rows = self._read(None)
        return self._rows

    @rows.setter
    def rows(self, rows: list[tuple[Term | None, ...]]) -> None:
        self._rows, self._pending = list(rows), None

    def take_unread(self) -> ox.QuerySolutions | None:
        """The engine's answer if nothing has read it (then it is the caller's to read)."""
        if self._rows is not None or self._pending is None:
            return None
        return self._pending.take()

    def _read(self, limit: int | None) -> list[tuple[Term | None, ...]]:
        if self._pending is None:  # read already
            return list(self._rows or [])[:limit]
        solutions = self._pending.take()
        try:
            # a solution iterates in variable order
            return [tuple(s) for s in itertools.islice(solutions, limit)]
        except (RuntimeError, OSError, ValueError) as exc:
            raise DataError(f"{self.source}: the query failed: {exc}") from None

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def limited(self, limit: int | None) -> Result:
        if limit is None:
            return self
        rows = self._read(limit) if self._rows is None else self.rows[:limit]
        return Result(self.form, self.variables, rows, self.boolean, self.triples[:limit])

    def records(self) -> list[dict[str, object]]:
        """Rows as dicts of plain Python values (IRIs as strings, typed literals converted)."""
        return [{v: python_value(t) for v, t in zip(self.variables, row, strict=True)} for row in self.rows]

    def serialize(self, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
        return serialize(self, fmt, prefixes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.form, self.variables, self.rows, self.boolean, self.triples) == (
            other.form,
            other.variables,
            other.rows,
            other.boolean,
            other.triples,
        )

    def __repr__(self) -> str:
        size = f"{len(self.triples)} triples" if self.is_graph else f"{len(self.rows)} rows"
        return f"Result({self.form}, {self.variables}, {size}, boolean={self.boolean})"


@dataclass
class _Unread:
    """An answer pyoxigraph has not evaluated yet, and how to ask for it again."""

    solutions: ox.QuerySolutions | None
    again: Callable[[], ox.QuerySolutions]

    def take(self) -> ox.QuerySolutions:
        solutions, self.solutions = self.solutions, None
        return solutions if solutions is not None else self.again()


def sparql_term(term: Term) -> str:
    """A term in SPARQL syntax, escaped (for VALUES blocks)."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        text = '"' + _escape(term.value) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != XSD + "string":
            return f"{text}^^<{term.datatype.value}>"
        return text
    raise UsageError(f"cannot bind {term!r}: only IRIs and literals can be parameter values")


def _escape(value: str) -> str:
    replacements = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
    return "".join(replacements.get(ch, ch) for ch in value)


def python_value(term: Term | None) -> object:
    """A plain Python value for a term (for notebooks and DataFrames)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value[len(XSD) :] if term.datatype.value.startswith(XSD) else ""
        try:
            if datatype in (
                "integer",
                "int",
                "long",
                "short",
                "nonNegativeInteger",
                "positiveInteger",
                "gYear",
            ):
                return int(term.value)
            if datatype in ("decimal", "double", "float"):
                return float(term.value)
            if datatype == "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    return str(term)


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def prepare(
    query: CatalogQuery, params: Mapping[str, str], engine, types: Mapping[str, str] | None = None
) -> Prepared:
    """Check and convert the parameters of ``query`` (declared ones typed, defaults applied).

    ``types`` gives the type of undeclared parameters (ad-hoc queries); without it the
    type is inferred from the value (:func:`infer_type`).
    """
    source = _source(query)
    types = dict(types or {})
    for name, kind in types.items():
        if kind not in PARAM_TYPES:
            raise UsageError(f"parameter {name!r}: unknown type {kind!r} (types: {', '.join(PARAM_TYPES)})")
        declared_param = query.param(name)
        if declared_param is not None and declared_param.type != kind:
            raise UsageError(f"{source}: parameter {name!r} is declared as {declared_param.type}, not {kind}")
    mentioned = _variables(query.text)
    declared = {p.name: p for p in query.params}
    for name in params:
        if name not in declared and query.params:
            from mgkg.build.catalog import suggest

            known = ", ".join(declared)
            hint = suggest(name, declared).split(" (`mgkg")[0]
            raise UsageError(f"{source}: unknown parameter {name!r}{hint} (parameters: {known})")
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            raise UsageError(f"parameter name {name!r} is not a SPARQL variable name")
        if name not in mentioned:
            raise UsageError(f"{source}: parameter {name!r}: the query has no variable ?{name}")
    bindings: dict[str, Term] = {}
    for name, param in declared.items():
        value = params.get(name, param.default)
        if value is None:
            about = f": {param.description}" if param.description else ""
            raise UsageError(
                f"{source}: missing parameter {name!r} ({param.type}{about}); "
                f"give it with --param {name}=VALUE"
            )
        bindings[name] = to_term(value, param.type, name, engine)
    for name, value in params.items():
        if name not in declared:
            bindings[name] = to_term(value, types.get(name) or infer_type(value), name, engine)
    return Prepared(query.text, query.form, bindings, source)


@functools.lru_cache(maxsize=512)
def _group_start(text: str) -> int | None:
    """Where the VALUES block of a query text goes (scanned once per text, as below)."""
    return where_group_start(text)


@functools.lru_cache(maxsize=512)
def _variables(text: str) -> frozenset[str]:
    """The variables a query text mentions, scanned once per text: a catalog query runs
    many times in a long-lived process, and the scan cost more than a small query."""
    return frozenset(variables(text))


def _source(query: CatalogQuery) -> str:
    if query.path is not None:
        return _shown_path(query.path, os.getcwd())
    return query.name


@functools.lru_cache(maxsize=512)
def _shown_path(path: Path, cwd: str) -> str:
    """``path`` relative to the working directory when inside it (for messages)."""
    try:
        return str(path.resolve().relative_to(cwd))
    except ValueError:
        return str(path)


def infer_type(value: str) -> str:
    """Type of an undeclared parameter: IRI if it looks like one, a number, else a string."""
    if expand_iri(value) is not None:
        return "iri"
    if re.fullmatch(r"[+-]?\d+", value.strip()):
        return "integer"
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+)", value.strip()):
        return "decimal"
    return "string"


def to_term(value: str, kind: str, name: str, engine=None) -> Term:
    """The RDF term for a parameter value of type ``kind``."""
    text = str(value)
    if kind == "string":
        return ox.Literal(text)
    if kind == "integer":
        if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
            raise UsageError(f"parameter {name!r}: {text!r} is not an integer")
        return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            number = None
        if (
            number is None
            or not number.is_finite()
            or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text.strip())
        ):
            raise UsageError(f"parameter {name!r}: {text!r} is not a decimal number")
        return ox.Literal(text.strip(), datatype=ox.NamedNode(XSD + "decimal"))
    if kind == "iri":
        iri = expand_iri(text)
        if iri is not None:
            try:
                return ox.NamedNode(iri)
            except ValueError as exc:
                raise UsageError(f"parameter {name!r}: {text!r} is not a valid IRI ({exc})") from None
        if engine is None:
            raise UsageError(f"parameter {name!r}: {text!r} is not an IRI or a CURIE")
        return resolve_label(text, name, engine)
    raise UsageError(f"parameter {name!r}: unknown type {kind!r}")


LABEL_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity ?kind ?needle WHERE {
  { ?entity rdfs:label ?label BIND(1 AS ?kind) } UNION { ?entity skos:altLabel ?label BIND(2 AS ?kind) }
  FILTER(isIRI(?entity) && LCASE(STR(?label)) = LCASE(STR(?needle)))
} ORDER BY ?kind ?entity"""

ALL_LABELS_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?label WHERE { ?entity rdfs:label ?label FILTER(isIRI(?entity)) } ORDER BY ?label"""


def resolve_label(text: str, name: str, engine) -> ox.NamedNode:
    """The one entity whose rdfs:label (else skos:altLabel) is ``text``, ignoring case."""
    prepared = Prepared(LABEL_QUERY, "SELECT", {"needle": ox.Literal(text.strip())}, "<label lookup>")
    rows = engine.run(prepared).rows
    best = [row[0] for row in rows if row[1] is not None and row[1].value == rows[0][1].value] if rows else []
    entities = sorted({t.value for t in best if isinstance(t, ox.NamedNode)})
    if len(entities) == 1:
        return ox.NamedNode(entities[0])
    if len(entities) > 1:
        shown = ", ".join(compact(ox.NamedNode(e)) for e in entities[:6])
        raise UsageError(
            f"parameter {name!r}: the label {text!r} names {len(entities)} entities ({shown}); "
            "give the IRI or CURIE instead"
        )
    import difflib

    labels = [
        row[0].value for row in engine.run(Prepared(ALL_LABELS_QUERY, "SELECT")).rows if row[0] is not None
    ]
    by_lower = {label.lower(): label for label in labels}
    close = difflib.get_close_matches(text.strip().lower(), list(by_lower), n=3, cutoff=0.6)
    hint = ("; did you mean " + " or ".join(repr(by_lower[c]) for c in close) + "?") if close else ""
    raise UsageError(
        f"parameter {name!r}: {text!r} is not an IRI, a CURIE with a known prefix "
        f"(kg:, mgkg:, CHEBI:, ...) or the label of anything in the graph{hint}"
    )


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------

_SYNTAX = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)


def syntax_error(source: str, exc: Exception, text: str | None = None) -> UserError:
    """'FILE:LINE:COL: syntax error: message' from a pyoxigraph SyntaxError.

    A prefix used without a PREFIX line makes the engine list the characters it expected;
    given the query ``text``, that case is told in one sentence naming the prefix.
    """
    message = str(exc).strip()
    match = _SYNTAX.match(message)
    if text is not None:
        from mgkg.query.terms import undeclared_prefix_message

        plain = undeclared_prefix_message(text, project_prefixes())
        if plain:
            where = f"{source}:{match.group(1)}:{match.group(2)}" if match else source
            return UsageError(f"{where}: syntax error: {plain}")
    if match:
        line, column, detail = match.groups()
        return UsageError(f"{source}:{line}:{column}: syntax error: {detail}")
    return UsageError(f"{source}: syntax error: {message}")


class LocalEngine:
    """The embedded pyoxigraph store.

    Like the endpoint, it refuses ``SERVICE`` unless the endpoint is on ``allow_services``:
    the engine would otherwise send an HTTP request from the user's machine to wherever a
    query (perhaps one copied from elsewhere) points.
    """

    name = "embedded"

    def __init__(self, store: ox.Store, allow_services: tuple[str, ...] = ()):
        self.store = store
        self.allow_services = frozenset(allow_services)
        self._occurs: dict[str, bool] = {}  # the release is read-only: an answer stays true

    def occurs(self, iri: str) -> bool:
        """Whether ``iri`` is the subject, predicate or object of some triple."""
        known = self._occurs.get(iri)
        if known is None:
            node = f"<{iri}>"
            known = bool(
                self.store.query(
                    f"ASK {{ {{ {node} ?p ?o }} UNION {{ ?s {node} ?o }} UNION {{ ?s ?p {node} }} }}"
                )
            )
            if len(self._occurs) < 10_000:  # bounded: a client's made-up IRIs cannot grow it
                self._occurs[iri] = known
        return known

    def vocabulary(self, namespace: str) -> list[str]:
        """The IRIs under ``namespace`` that occur in the graph (a full scan: for suggestions)."""
        literal = json.dumps(namespace)
        answer = self.store.query(
            "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } "
            f"FILTER(isIRI(?t) && STRSTARTS(STR(?t), {literal})) }}"
        )
        return [solution["t"].value for solution in answer]

    def term_warnings(self, text: str) -> list[str]:
        """Warnings for IRIs in the project's namespaces that the graph does not have."""
        from mgkg.prefixes import prefix_map
        from mgkg.query.terms import unknown_term_warnings

        namespaces = {k: v for k, v in prefix_map(DEFAULT_BASE).items() if k in ("mgkg", "kg")}
        return unknown_term_warnings(text, namespaces, self.occurs, self.vocabulary)

    def run(self, prepared: Prepared) -> Result:
        from mgkg.query.guards import Refused, check_services

        try:
            check_services(prepared.text, self.allow_services)
        except Refused as exc:
            raise UsageError(f"{prepared.source}: {exc.message}") from None
        text, substitutions = prepared.text, None
        if prepared.bindings and _group_start(prepared.text) is not None:
            text = prepared.with_values()
        elif prepared.bindings:
            substitutions = {ox.Variable(k): v for k, v in prepared.bindings.items()}
        try:
            try:
                answer = self.store.query(text, substitutions=substitutions)
            except RuntimeError as exc:
                if "projection" not in str(exc) or not substitutions:
                    raise
                # pyoxigraph substitutes projected variables only, and there is no group for VALUES
                raise UsageError(
                    f"{prepared.source}: cannot bind parameters: no WHERE {{ ... }} group found and "
                    f"the parameters are not all projected"
                ) from None
            if isinstance(answer, ox.QuerySolutions):
                return Result.unread(
                    answer, lambda: self.store.query(text, substitutions=substitutions), prepared.source
                )
            return materialize(answer, prepared.form)
        except SyntaxError as exc:
            raise syntax_error(
                prepared.source, _as_written(exc, prepared.text, text), prepared.text
            ) from None
        except (RuntimeError, OSError, ValueError) as exc:
            raise DataError(f"{prepared.source}: the query failed: {exc}") from None


def _as_written(exc: SyntaxError, written: str, run: str) -> Exception:
    """A syntax error's position in the query as written, not in ``run`` (the text with the
    VALUES block, inserted on one line: only columns after it on that line move)."""
    match = _SYNTAX.match(str(exc).strip())
    if match is None or run == written:
        return exc
    line, column = int(match.group(1)), int(match.group(2))
    position = _group_start(written) or 0
    at_line = written.count("\n", 0, position) + 1
    at_column = position - (written.rfind("\n", 0, position) + 1) + 1
    if line == at_line and column > at_column:
        column = max(at_column, column - (len(run) - len(written)))
    return SyntaxError(f"error at {line}:{column}: {match.group(3)}")


def materialize(answer, form: str) -> Result:
    """Turn a pyoxigraph answer (QuerySolutions, QueryBoolean, triples) into a Result."""
    if isinstance(answer, ox.QueryBoolean):
        return Result("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        names = [v.value for v in answer.variables]
        rows = [tuple(solution) for solution in answer]  # a solution iterates in variable order
        return Result("SELECT", names, rows)
    triples = []
    for item in answer:
        triples.append(item.triple if isinstance(item, ox.Quad) else item)
    return Result(
        form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=sorted(triples, key=str)
    )


class RemoteEngine:
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper (POST, one media type per request)."""

    name = "remote"
    ACCEPT = {
        "tabular": ("application/sparql-results+json", "application/sparql-results+xml"),
        "graph": ("application/n-triples", "text/turtle", "application/rdf+xml"),
    }

    def __init__(
        self,
        endpoint: str,
        graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60,
    ):
        if not re.match(r"^https?://", endpoint):
            raise UsageError(f"endpoint {endpoint!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.graph = graph
        self.user = user
        self.password = password
        self.timeout = timeout

    def run(self, prepared: Prepared) -> Result:
        text = prepared.with_values()
        kind = "graph" if prepared.form in ("CONSTRUCT", "DESCRIBE") else "tabular"
        last_error = EngineError(f"{self.endpoint}: no result format was accepted")
        for media_type in self.ACCEPT[kind]:
            try:
                body, content_type = self._request(text, prepared.form, media_type, prepared.source)
            except _NotAcceptable as exc:
                last_error = EngineError(f"{self.endpoint}: {exc}")
                continue
            return self._parse(body, content_type or media_type, prepared.form)
        raise last_error

    def _request(self, text: str, form: str, media_type: str, source: str) -> tuple[bytes, str]:
        import urllib.error

        from SPARQLWrapper import POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            SPARQLWrapperException,
            Unauthorized,
        )

        client = SPARQLWrapper(self.endpoint)
        client.setOnlyConneg(True)  # no format=/output= parameters: some servers reject them
        client.setMethod(POST)
        client.setTimeout(int(self.timeout))
        if self.user:
            client.setCredentials(self.user, self.password or "")
        if self.graph:
            client.addDefaultGraph(self.graph)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper warns about query types it guesses
            client.setQuery(text)
        # SPARQLWrapper guesses the form with regular expressions that miss consecutive comment
        # lines: a header saying "cleared" or "insert" made it POST the query as an update.
        client.queryType = form
        client.addCustomHttpHeader("Accept", media_type)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                response = client.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except QueryBadFormed as exc:
            detail = _server_message(exc)
            match = _SYNTAX.match(detail)
            if match:  # Oxigraph's form: "error at LINE:COLUMN: message"
                line, column, message = match.groups()
                raise UsageError(
                    f"{source}:{line}:{column}: syntax error (says the endpoint): {message}"
                ) from None
            raise UsageError(f"{source}: the endpoint rejected the query: {detail}") from None
        except Unauthorized:
            raise EngineError(
                f"{self.endpoint}: HTTP 401 unauthorized (give --user and --password)"
            ) from None
        except EndPointNotFound:
            raise EngineError(f"{self.endpoint}: HTTP 404, no SPARQL endpoint at this URL") from None
        except EndPointInternalError as exc:
            raise EngineError(
                f"{self.endpoint}: the endpoint failed (HTTP 500): {_server_message(exc)}"
            ) from None
        except SPARQLWrapperException as exc:
            raise EngineError(f"{self.endpoint}: {_server_message(exc)}") from None
        except urllib.error.HTTPError as exc:
            if exc.code == 406:
                raise _NotAcceptable(f"HTTP 406: the endpoint does not offer {media_type}") from None
            detail = _first_line(exc.read().decode("utf-8", "replace")) or exc.reason
            raise EngineError(f"{self.endpoint}: HTTP {exc.code}: {detail}") from None
        except urllib.error.URLError as exc:
            raise EngineError(f"cannot reach {self.endpoint}: {_reason(exc.reason)}") from None
        except TimeoutError:
            raise EngineError(f"{self.endpoint}: no answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as exc:
            raise EngineError(f"cannot reach {self.endpoint}: {_reason(exc)}") from None
        except ValueError as exc:
            raise UsageError(f"endpoint {self.endpoint!r}: {exc}") from None

    def _parse(self, body: bytes, content_type: str, form: str) -> Result:
        media = content_type.split(";")[0].strip().lower()
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                fmt = ox.RdfFormat.from_media_type(media)
                if fmt is None:
                    raise ValueError(f"unexpected content type {media!r} for a {form} result")
                return materialize(ox.parse(input=body, format=fmt), form)
            fmt = ox.QueryResultsFormat.from_media_type(media)
            if fmt is None and media in ("application/json", "text/json"):
                fmt = ox.QueryResultsFormat.JSON
            if fmt is None or fmt in (ox.QueryResultsFormat.CSV,):
                raise ValueError(f"unexpected content type {media!r} for a {form} result")
            return materialize(ox.parse_query_results(input=body, format=fmt), form)
        except (SyntaxError, ValueError, OSError) as exc:
            raise EngineError(
                f"{self.endpoint}: the answer is not a SPARQL result ({_first_line(str(exc))})"
            ) from None


class _NotAcceptable(Exception):
    pass


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _server_message(exc: Exception) -> str:
    """The server's own message from a SPARQLWrapper exception (it keeps the body as a bytes repr)."""
    import ast

    text = str(exc)
    if "Response:\n" in text:
        raw = text.split("Response:\n", 1)[1].strip()
        try:
            body = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            body = raw
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if _first_line(str(body)):
            return _first_line(str(body))
    return _first_line(text)


def _reason(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower() if reason.strerror else str(reason)
    return str(reason)


# ---------------------------------------------------------------------------
# Serialization
# ---------------------------------------------------------------------------


def default_format(form: str) -> str:
    return "ttl" if form in ("CONSTRUCT", "DESCRIBE") else "table"


def check_format(form: str, fmt: str) -> None:
    if form in ("CONSTRUCT", "DESCRIBE") and fmt not in GRAPH_FORMATS:
        raise UsageError(
            f"format {fmt!r} is for SELECT and ASK results; a {form} query gives {', '.join(GRAPH_FORMATS)}"
        )
    if form in ("SELECT", "ASK") and fmt not in TABULAR_FORMATS:
        raise UsageError(
            f"format {fmt!r} is for CONSTRUCT and DESCRIBE results; a {form} query gives "
            f"{', '.join(TABULAR_FORMATS)}"
        )


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD + "string", RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(term)


def _json_document(result: Result) -> dict:
    """The SPARQL 1.1 Query Results JSON document of a SELECT or ASK result, as Python data.

    Each distinct term is converted once (answers repeat the same IRIs and labels on many
    rows), which keeps the cost per row to a dictionary look-up per cell.
    """
    if result.form == "ASK":
        return {"head": {}, "boolean": bool(result.boolean)}
    converted: dict[Term, dict] = {}

    def cell(term: Term) -> dict:
        found = converted.get(term)
        if found is None:
            found = converted[term] = _json_term(term)
        return found

    names = result.variables
    bindings = [
        {name: cell(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return {"head": {"vars": names}, "results": {"bindings": bindings}}


def sparql_json(result: Result) -> bytes:
    """SPARQL 1.1 Query Results JSON for a SELECT or ASK result."""
    return json.dumps(_json_document(result), ensure_ascii=False).encode("utf-8")


def _has_triple_terms(result: Result) -> bool:
    return any(isinstance(term, ox.Triple) for row in result.rows for term in row)


def serialize(result: Result, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """The result in one of FORMATS (bytes, UTF-8)."""
    check_format(result.form, fmt)
    prefixes = dict(prefixes) if prefixes is not None else result_prefixes()
    if fmt == "table":
        return table(result, prefixes).encode("utf-8")
    unread = result.take_unread() if fmt in RESULT_FORMATS else None
    if unread is not None:
        # pyoxigraph's writer: the same document as below, without a Python object per cell.
        try:
            data = unread.serialize(format=RESULT_FORMATS[fmt])
        except (RuntimeError, OSError, ValueError) as exc:
            raise DataError(f"{result.source}: the query failed: {exc}") from None
        return data if data.endswith(b"\n") or fmt == "csv" else data + b"\n"
    if fmt == "json" and not _has_triple_terms(result):
        # Written here in pyoxigraph's own layout (compact, keys in its order, the same
        # escapes), which skips parsing the document back into pyoxigraph only to write it.
        text = json.dumps(_json_document(result), ensure_ascii=False, separators=(",", ":"))
        return text.encode("utf-8") + b"\n"
    if fmt in RESULT_FORMATS:
        parsed = ox.parse_query_results(input=sparql_json(result), format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=RESULT_FORMATS[fmt])
        return data if data.endswith(b"\n") or fmt in ("csv",) else data + b"\n"
    triples = sorted(result.triples, key=str)
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    if fmt == "ttl":
        used = used_prefixes(triples, prefixes)
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""
    return _jsonld(triples, prefixes)


def used_prefixes(triples: list[ox.Triple], prefixes: Mapping[str, str]) -> dict[str, str]:
    """Only the prefixes the triples use (keeps CONSTRUCT output short)."""
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def _jsonld(triples: list[ox.Triple], prefixes: Mapping[str, str]) -> bytes:
    """Compact JSON-LD with the used prefixes as context, nodes sorted (as the release)."""
    from rdflib import Graph

    from mgkg.build.export import jsonld_document

    graph = Graph()
    if triples:
        graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return jsonld_document(graph, used_prefixes(triples, prefixes)).encode("utf-8")


def compact(term: Term | None, prefixes: Mapping[str, str] | None = None) -> str:
    """A short display form: CURIE for IRIs with a known prefix, the lexical form for literals."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        prefixes = prefixes if prefixes is not None else result_prefixes()
        curie = compact_iri(term.value, dict(prefixes))
        # Only a local name Turtle reads back unescaped makes a usable short form.
        if curie is not None and re.fullmatch(r"[^:]+:[A-Za-z0-9_\-.]*", curie) and not curie.endswith("."):
            return curie
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def table(result: Result, prefixes: Mapping[str, str] | None = None) -> str:
    """A plain-text table (long cells cut at TABLE_CELL_WIDTH characters)."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"

    def cell(term: Term | None) -> str:
        text = " ".join(compact(term, prefixes).split())
        return text if len(text) <= TABLE_CELL_WIDTH else text[: TABLE_CELL_WIDTH - 1] + "…"

    header = list(result.variables)
    body = [[cell(t) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    count = len(body)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------


def adhoc_query(text: str, source: str = "<expression>") -> CatalogQuery:
    """A query given as text (``-e``): no header needed, parameters inferred."""
    return parse_query_text(text, source, None, require_header=False)


def run(
    engine, query: CatalogQuery, params: Mapping[str, str] | None = None, limit: int | None = None
) -> Result:
    """Bind ``params`` to ``query`` and run it on ``engine``."""
    return engine.run(prepare(query, params or {}, engine)).limited(limit)


__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "TABULAR_FORMATS",
    "LocalEngine",
    "Prepared",
    "RemoteEngine",
    "Result",
    "check_format",
    "compact",
    "default_format",
    "prepare",
    "run",
    "serialize",
    "table",
]
