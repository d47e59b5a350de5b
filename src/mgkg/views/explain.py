"""Ranked, evidence-annotated paths between two entities of the claim graph.

``mgkg explain magnesium insomnia`` answers "how is magnesium said to bear on
insomnia, and how well does each step hold up?". Paths run over claims in either
direction (a learner follows "magnesium modulates melatonin" and "melatonin
regulates sleep" alike; each hop says which way its claims point). A hop is as good
as its best claim, and a path as strong as its weakest hop.

Ranking (the one rule, stated to users as :data:`RANKING`): strongest first, i.e. by
the grade of the path's weakest hop, then by total cost (each hop costs 1 plus a
penalty for its best claim's grade and citation verdict, so fewer and better-graded
steps come first), then by fewer hops. Candidates come from Yen's k-shortest simple
paths (networkx) on that cost.

Path-type policy: a path may not pass through a *shared target of two agents*, an
entity that the claims on both sides point into when both neighbours are agents
(:data:`AGENT_CLASSES`: nutrients, supplement forms, interventions, products, drug
classes), as in ``magnesium → depressive disorder ← zinc``. Two agents acting on the
same thing says nothing about how one bears on the other (in a causal graph such a
node is a collider, and it blocks the path), and without the rule every nutrient
added to the graph would crowd the explanations of the others.
``include_siblings=True`` (``--include-siblings``) lets such paths back in. Chains
(``A → B → C``), reversed chains, shared sources (``A ← X → B``, one agent acting on
both) and a shared target whose other side is not an agent (``magnesium → sleep ←
insomnia``: an agent and a condition bearing on the same process) are kept. Every hop lists all its claims with grade, why, verdict, page
passage and sources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from mgkg.errors import DataError, UsageError
from mgkg.views.model import (
    GRADE_ORDER,
    SOURCE_KIND_LABELS,
    Claim,
    claim_record,
    compact,
    local_name,
    resolve,
)

#: Extra cost of a hop by the grade tier of its best claim (0 = as good as it gets).
GRADE_PENALTY: dict[str, float] = {
    "high": 0.0,
    "moderate": 0.2,
    "low": 0.4,
    "reference": 0.3,
    "very-low": 0.8,
    "preclinical": 1.0,
    "page": 1.2,
    "other": 1.0,
    "ungraded": 1.0,
    "vendor": 2.5,
    "not-supported": 3.0,
}
#: Extra cost by citation-audit verdict (a citation that does not hold weakens the step).
VERDICT_PENALTY: dict[str, float] = {"not-supported": 1.0, "overstates": 0.5, "unresolved": 0.3}
#: How many candidate paths Yen's algorithm may produce while looking for k within max_hops.
CANDIDATE_LIMIT = 200
#: Classes (local names) of the entities that act: two of them meeting at a shared target
#: is a sibling hop (the path-type policy in the module docstring).
AGENT_CLASSES = frozenset(
    {
        "Nutrient",
        "Mineral",
        "Cofactor",
        "SupplementForm",
        "Salt",
        "Chelate",
        "Intervention",
        "Product",
        "DrugClass",
    }
)
#: The ranking in one sentence, as ``mgkg explain`` and the path view say it.
RANKING = (
    "Ranked strongest first: by the grade of each path's weakest hop (a hop is as strong as its best "
    "claim), then by total cost (fewer, better-graded steps), then by fewer hops; paths through a "
    "shared target of two agents (A → X ← B) are left out unless --include-siblings."
)

assert set(GRADE_PENALTY) == set(GRADE_ORDER)  # noqa: S101


def claim_cost(claim: Claim) -> float:
    return 1.0 + GRADE_PENALTY[claim.grade_tier] + VERDICT_PENALTY.get(claim.verdict_tier, 0.0)


@dataclass
class Hop:
    start: str
    end: str
    claims: list[tuple[Claim, bool]]  # (claim, True when it points start -> end)
    cost: float


@dataclass
class Path:
    nodes: list[str]
    hops: list[Hop]
    cost: float

    def weakest_claim(self) -> Claim | None:
        """The best claim of the weakest hop: what the whole chain can claim at most."""
        best = [
            min((c for c, _f in hop.claims), key=lambda c: (GRADE_ORDER.index(c.grade_tier), c.iri))
            for hop in self.hops
        ]
        return max(best, key=lambda c: (GRADE_ORDER.index(c.grade_tier), c.iri)) if best else None

    @property
    def weakest(self) -> str:
        """The grade tier of the weakest hop (each hop judged by its best claim)."""
        claim = self.weakest_claim()
        return claim.grade_tier if claim else "ungraded"

    @property
    def weakest_label(self) -> str:
        claim = self.weakest_claim()
        return claim.grade.label if claim and claim.grade else "ungraded"


@dataclass
class Explanation:
    source: str
    target: str
    source_label: str
    target_label: str
    max_hops: int
    paths: list[Path] = field(default_factory=list)


def hop_graph(graph: nx.MultiDiGraph) -> nx.Graph:
    """An undirected simple graph: one edge per pair of entities, weighted by its best claim."""
    simple = nx.Graph()
    simple.add_nodes_from(graph)
    for u, v, data in graph.edges(data=True):
        if u == v:
            continue
        cost = claim_cost(data["claim"])
        if not simple.has_edge(u, v) or cost < simple[u][v]["cost"]:
            simple.add_edge(u, v, cost=cost)
    return simple


def hop_claims(graph: nx.MultiDiGraph, start: str, end: str) -> list[tuple[Claim, bool]]:
    found = [(d["claim"], True) for d in graph.get_edge_data(start, end, default={}).values()]
    found += [(d["claim"], False) for d in graph.get_edge_data(end, start, default={}).values()]
    return sorted(found, key=lambda cf: (claim_cost(cf[0]), cf[0].iri))


def is_agent(graph: nx.MultiDiGraph, node: str) -> bool:
    """An entity that is taken or given (a nutrient, form, intervention, product, drug class)."""
    entity = graph.nodes[node]["entity"]
    return any(local_name(c) in AGENT_CLASSES for c in [*entity.types, *entity.ancestors])


def sibling_hop(graph: nx.MultiDiGraph, before: Hop, after: Hop) -> bool:
    """True when two agents' claims both point into the entity between them (A → X ← B)."""
    into = all(forward for _c, forward in before.claims) and not any(forward for _c, forward in after.claims)
    return into and is_agent(graph, before.start) and is_agent(graph, after.end)


def allowed(graph: nx.MultiDiGraph, path: Path, include_siblings: bool) -> bool:
    """The path-type policy (see the module docstring): no sibling hop unless asked."""
    return include_siblings or not any(
        sibling_hop(graph, a, b) for a, b in zip(path.hops, path.hops[1:], strict=False)
    )


def strength(path: Path) -> tuple[int, float, int, tuple[str, ...]]:
    """The sort key of :data:`RANKING`: weakest hop's grade, total cost, hops (IRIs break ties)."""
    return (GRADE_ORDER.index(path.weakest), path.cost, len(path.hops), tuple(path.nodes))


def explain(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    k: int = 5,
    max_hops: int = 4,
    include_siblings: bool = False,
) -> Explanation:
    """The ``k`` strongest paths of at most ``max_hops`` claims between two entities (names
    resolved), ranked by :data:`RANKING` among the first :data:`CANDIDATE_LIMIT` candidates."""
    if k < 1 or max_hops < 1:
        raise UsageError("-k and --max-hops must be 1 or more")
    a, b = resolve(graph, source), resolve(graph, target)
    if a == b:
        raise UsageError(f"{source!r} and {target!r} are the same entity")
    result = Explanation(a, b, graph.nodes[a]["entity"].label, graph.nodes[b]["entity"].label, max_hops)
    simple = hop_graph(graph)
    found: list[Path] = []
    try:
        candidates = nx.shortest_simple_paths(simple, a, b, weight="cost")
        for count, nodes in enumerate(candidates):
            if count >= CANDIDATE_LIMIT:
                break
            if len(nodes) - 1 > max_hops:
                continue
            hops = []
            for start, end in zip(nodes, nodes[1:], strict=False):
                hops.append(Hop(start, end, hop_claims(graph, start, end), simple[start][end]["cost"]))
            path = Path(nodes, hops, round(sum(h.cost for h in hops), 3))
            if allowed(graph, path, include_siblings):
                found.append(path)
    except nx.NetworkXNoPath:
        pass
    result.paths = sorted(found, key=strength)[:k]
    return result


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _grade_text(claim: Claim) -> str:
    if not claim.grade:
        return "ungraded"
    return claim.grade.label


def format_text(graph: nx.MultiDiGraph, result: Explanation) -> str:
    """Plain text: each path, each hop, each claim with grade, why, passage and sources."""
    label = lambda n: graph.nodes[n]["entity"].label  # noqa: E731
    head = (
        f"Paths from {result.source_label} ({compact(result.source)}) to {result.target_label} "
        f"({compact(result.target)})"
    )
    if not result.paths:
        return f"{head}: none within {result.max_hops} claims.\n"
    lines = [
        f"{head}: {len(result.paths)} found (at most {result.max_hops} claims each).",
        RANKING,
        "Grades come from the evidence rubric; 'page assertion only' means only the source page says so.",
        "",
    ]
    for rank, path in enumerate(result.paths, start=1):
        chain = []
        for hop in path.hops:
            best, forward = hop.claims[0]
            arrow = f"—{best.predicate_label}→" if forward else f"←{best.predicate_label}—"
            chain.append(arrow)
        route = label(path.nodes[0]) + "".join(
            f" {arrow} {label(n)}" for arrow, n in zip(chain, path.nodes[1:], strict=True)
        )
        lines.append(f"{rank}. {route}")
        lines.append(
            f"   {len(path.hops)} hop{'s' if len(path.hops) != 1 else ''} · cost {path.cost:g} · "
            f"weakest link: {path.weakest_label}"
        )
        for number, hop in enumerate(path.hops, start=1):
            lines.append(f"   hop {number}: {label(hop.start)} → {label(hop.end)}")
            for claim, forward in hop.claims:
                direction = "" if forward else " (claim points the other way)"
                lines.append(f"     • {claim.statement}{direction}")
                if claim.summary and claim.summary.plain:
                    fact = "a fact in this graph" if claim.summary.asserts else "not a fact in this graph"
                    lines.append(f"       the relation: {fact} — {claim.summary.plain}")
                lines.append(
                    f"       grade: {_grade_text(claim)}"
                    + (f" — {claim.grade.definition}" if claim.grade and claim.grade.definition else "")
                )
                for reason in claim.grade.reasons if claim.grade else []:
                    lines.append(f"         why: {reason}")
                for verdict in claim.verdicts:
                    lines.append(
                        f"       citation verdict: {verdict.label}"
                        + (f" — {verdict.reason}" if verdict.reason else "")
                    )
                kinds = ", ".join(SOURCE_KIND_LABELS.get(k, k) for k in claim.kinds) or "no source kind"
                edge = {
                    True: "asserted as a direct edge",
                    False: "not asserted as a direct edge",
                    None: "direct edge not recorded",
                }[claim.asserted]
                lines.append(f"       rests on: {kinds}; {edge}")
                if claim.quotation:
                    where = f" (§ {claim.section})" if claim.section else ""
                    lines.append(f'       page: "{claim.quotation}"{where}')
                for source in claim.sources:
                    lines.append(f"       source: {source.citation()}")
                for evidence in claim.evidence:
                    stance = (
                        f" [{evidence.stance}{', ' + evidence.directness if evidence.directness else ''}]"
                    )
                    lines.append(f"       evidence{stance if evidence.stance else ''}: {evidence.statement}")
                    for source in evidence.sources:
                        lines.append(f"         study: {source.citation()}")
        lines.append("")
    return "\n".join(lines)


def to_json(graph: nx.MultiDiGraph, result: Explanation) -> dict[str, Any]:
    def ent(n: str) -> dict[str, str]:
        return {"iri": n, "curie": compact(n), "label": graph.nodes[n]["entity"].label}

    return {
        "from": ent(result.source),
        "to": ent(result.target),
        "max_hops": result.max_hops,
        "ranking": RANKING,
        "paths": [
            {
                "rank": rank,
                "cost": path.cost,
                "weakest_grade": path.weakest_label,
                "weakest_tier": path.weakest,
                "nodes": [ent(n) for n in path.nodes],
                "hops": [
                    {
                        "from": ent(h.start),
                        "to": ent(h.end),
                        "cost": h.cost,
                        "claims": [
                            {**claim_record(graph, c), "direction": "forward" if f else "backward"}
                            for c, f in h.claims
                        ],
                    }
                    for h in path.hops
                ],
            }
            for rank, path in enumerate(result.paths, start=1)
        ],
    }


def format_json(graph: nx.MultiDiGraph, result: Explanation) -> str:
    return json.dumps(to_json(graph, result), indent=2, ensure_ascii=False) + "\n"


def paths_for_view(
    graph: nx.MultiDiGraph, result: Explanation
) -> tuple[nx.MultiDiGraph, list[dict[str, Any]]]:
    """The subgraph of all paths (their entities and hop claims) and the path list for the page."""
    if not result.paths:
        raise DataError(
            f"no path between {result.source_label!r} and {result.target_label!r} "
            f"within {result.max_hops} claims"
        )
    view = nx.MultiDiGraph(**graph.graph)
    listing = []
    for rank, path in enumerate(result.paths, start=1):
        claim_iris = []
        for node in path.nodes:
            view.add_node(node, **graph.nodes[node])
        for hop in path.hops:
            for claim, forward in hop.claims:
                u, v = (hop.start, hop.end) if forward else (hop.end, hop.start)
                view.add_edge(u, v, key=claim.iri, claim=claim)
                claim_iris.append(claim.iri)
        route = " → ".join(graph.nodes[n]["entity"].label for n in path.nodes)
        listing.append(
            {
                "rank": rank,
                "text": route,
                "cost": path.cost,
                "weakest": path.weakest_label,
                "hops": len(path.hops),
                "node_iris": list(path.nodes),
                "claim_iris": claim_iris,
            }
        )
    return view, listing
