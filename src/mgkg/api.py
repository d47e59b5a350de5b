"""The notebook API: load the graph, run catalog queries by name, get rows or a DataFrame.

>>> import mgkg.api as kg
>>> g = kg.load()                                   # embedded store over graph/mgkg.ttl
>>> result = g.run("conditions-linked-to-receptor", receptor="NMDA receptor")
>>> result.rows[0]["condition"]                     # plain Python values
>>> result.df()                                     # pandas DataFrame, if pandas is installed
>>> g.sparql("SELECT ?s WHERE { ?s a ?c } LIMIT 3", c="mgkg:Receptor")
>>> remote = kg.connect("http://localhost:7878/query")   # the same, on a SPARQL endpoint

Parameters are keyword arguments, converted by their declared type exactly as on the
command line (``mgkg query NAME --param name=value``); errors are :class:`mgkg.errors.UserError`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from mgkg.build.catalog import Catalog, CatalogQuery, load_catalog, read_query
from mgkg.errors import UsageError, UserError
from mgkg.layout import project_root
from mgkg.query import engine as q


@dataclass
class Answer:
    """A query's answer: ``rows`` (dicts of Python values), ``boolean`` or ``triples``."""

    result: q.Result

    @property
    def variables(self) -> list[str]:
        return list(self.result.variables)

    @property
    def rows(self) -> list[dict[str, object]]:
        return self.result.records()

    @property
    def terms(self) -> list[tuple]:
        """Rows as pyoxigraph terms (IRIs, literals with datatype and language)."""
        return list(self.result.rows)

    @property
    def boolean(self) -> bool | None:
        return self.result.boolean

    @property
    def triples(self) -> list:
        return list(self.result.triples)

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.result.triples) if self.result.is_graph else len(self.result.rows)

    def __bool__(self) -> bool:
        return bool(self.result.boolean) if self.result.form == "ASK" else len(self) > 0

    def column(self, name: str) -> list[object]:
        return [row[name] for row in self.rows]

    def df(self):
        """The rows as a pandas DataFrame (needs pandas: ``pip install pandas``)."""
        try:
            import pandas
        except ImportError:
            raise UsageError("Answer.df() needs pandas: pip install pandas (or use .rows)") from None
        if self.result.is_graph:
            rows = [
                {
                    "subject": q.python_value(t.subject),
                    "predicate": q.python_value(t.predicate),
                    "object": q.python_value(t.object),
                }
                for t in self.result.triples
            ]
            return pandas.DataFrame(rows, columns=["subject", "predicate", "object"])
        return pandas.DataFrame(self.rows, columns=self.variables)

    to_dataframe = df

    def graph(self):
        """CONSTRUCT/DESCRIBE triples as an rdflib Graph."""
        from rdflib import Graph

        graph = Graph()
        if self.result.triples:
            graph.parse(data=self.serialize("nt"), format="nt")
        return graph

    def serialize(self, fmt: str | None = None) -> str:
        """The answer in a standard format (table, csv, tsv, json, xml, ttl, nt, jsonld)."""
        return q.serialize(self.result, fmt or q.default_format(self.result.form)).decode("utf-8")

    def __str__(self) -> str:
        return self.serialize()

    def _repr_html_(self) -> str | None:  # notebooks show a table
        try:
            return self.df()._repr_html_()
        except UserError:
            return None


class KnowledgeGraph:
    """The graph behind an engine (embedded store or remote endpoint) plus the query catalog."""

    def __init__(self, engine, catalog: Catalog):
        self.engine = engine
        self.catalog = catalog

    @classmethod
    def load(
        cls,
        release: str | Path | None = None,
        root: str | Path | None = None,
        memory: bool = False,
        cache_dir: str | Path | None = None,
    ) -> KnowledgeGraph:
        from mgkg.query.store import open_store

        root_path = Path(root) if root else project_root()
        store = open_store(
            Path(release) if release else None,
            Path(cache_dir) if cache_dir else None,
            memory=memory,
            root=root_path,
        )
        return cls(q.LocalEngine(store), load_catalog(root_path / "queries"))

    @classmethod
    def connect(
        cls,
        endpoint: str,
        graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 60,
        root: str | Path | None = None,
    ) -> KnowledgeGraph:
        root_path = Path(root) if root else project_root()
        return cls(
            q.RemoteEngine(endpoint, graph, user, password, timeout), load_catalog(root_path / "queries")
        )

    def queries(self, tag: str | None = None) -> list[CatalogQuery]:
        """The catalog (optionally only queries with ``tag``)."""
        return self.catalog.with_tag(tag) if tag else list(self.catalog)

    def describe(self, name: str) -> str:
        """Title, description and parameters of a catalog query."""
        query = self.catalog.get(name)
        lines = [f"{query.name}: {query.title}", query.description]
        for p in query.params:
            lines.append(f"  {p.name} ({p.type}, default {p.default!r}): {p.description}")
        return "\n".join(lines)

    def run(self, name: str, limit: int | None = None, **params: object) -> Answer:
        """Run the catalog query ``name`` (or a ``.rq`` file path) with keyword parameters."""
        if name.endswith(".rq"):
            query = read_query(Path(name), require_header=False)
        else:
            query = self.catalog.get(name)
        return Answer(q.run(self.engine, query, _strings(params), limit))

    def sparql(self, text: str, limit: int | None = None, **params: object) -> Answer:
        """Run SPARQL text; keyword parameters bind variables of the same name."""
        return Answer(q.run(self.engine, q.adhoc_query(text), _strings(params), limit))

    query = sparql

    def claim_graph(self):
        """The claim graph (networkx: entities and the claims between them) of the whole graph."""
        from mgkg.views.model import build_claim_graph

        return build_claim_graph(self.sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").graph())

    def to_pyvis(
        self,
        focus: str | None = None,
        depth: int = 1,
        query: str | None = None,
        path: tuple[str, str] | None = None,
        params: Mapping[str, object] | None = None,
        **options: object,
    ):
        """A ``pyvis.network.Network`` of the view ``mgkg viz`` draws, to restyle and show in a notebook.

        The whole graph, ``focus`` (+ ``depth``), a catalog ``query`` (run here, with
        ``params``) or ``path=(A, B)``; further options as for :func:`mgkg.views.viz.show`
        (``size_by``, ``title``, ``k``, ``max_hops``) and ``height``/``width``. The
        Network keeps mgkg's colours and shapes, plain-text tooltips and an offline
        template (see :mod:`mgkg.views.pyvis_view` for why pyvis's defaults are not used).
        """
        from mgkg.views.pyvis_view import to_pyvis
        from mgkg.views.viz import answer_terms

        def terms(name: str, query_params: dict[str, str]) -> list[str]:
            return answer_terms(self.run(name, **query_params).result)

        return to_pyvis(
            self.claim_graph(),
            terms=terms,
            focus=focus,
            depth=depth,
            query=query,
            params=_strings(params or {}),
            path=path,
            **options,
        )


def _strings(params: Mapping[str, object]) -> dict[str, str]:
    return {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in params.items()}


_default: KnowledgeGraph | None = None


def load(release: str | Path | None = None, **options) -> KnowledgeGraph:
    """The embedded graph (cached store over ``graph/mgkg.ttl`` unless ``release`` is given)."""
    global _default
    graph = KnowledgeGraph.load(release, **options)
    if release is None and not options:
        _default = graph
    return graph


def connect(endpoint: str, **options) -> KnowledgeGraph:
    """The same interface on a remote SPARQL endpoint."""
    return KnowledgeGraph.connect(endpoint, **options)


def run(name: str, limit: int | None = None, **params: object) -> Answer:
    """Run a catalog query on the default embedded graph (loaded on first use)."""
    return (_default or load()).run(name, limit=limit, **params)


def queries(tag: str | None = None) -> list[CatalogQuery]:
    return (_default or load()).queries(tag)


__all__ = ["Answer", "KnowledgeGraph", "connect", "load", "queries", "run"]
