"""A large claim graph with the release's shape, for scale tests (deterministic).

The release is kept whole (ontology, grades, sources, audit) and grown to ``n_nodes``
entities by preferential attachment: each new entity copies the type, label and
definition of a real entity, and attaches by one or two new claims (alternating, so
claims per entity match the release's ratio) to entities chosen with probability
proportional to their degree, as hubs like magnesium attract claims in the release.
Each new claim copies every property of a real claim (its predicate, grade, grade
components, sources, passage, rests-on kinds) except its subject, object and label.
"""

from __future__ import annotations

import random
from pathlib import Path

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKIP = {RDF + "subject", RDF + "object", RDFS_LABEL}


def synthesize(release: Path, n_nodes: int, out: Path, seed: int = 20261129) -> dict[str, int]:
    """Write an N-Triples file with ``n_nodes`` entities; return the expected counts."""
    from mgkg.views.model import build_claim_graph

    graph = build_claim_graph(release)
    real_nodes = sorted(graph)
    if n_nodes < len(real_nodes):
        raise ValueError(f"n_nodes must be at least the release's {len(real_nodes)} entities")
    triples = list(ox.parse(path=str(release), format=ox.RdfFormat.TURTLE))
    by_subject: dict[str, list] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            by_subject.setdefault(t.subject.value, []).append(t)
    statements = {k: d["claim"].statement for _u, _v, k, d in graph.edges(keys=True, data=True)}
    templates = sorted(statements)
    rng = random.Random(seed)  # noqa: S311  (test data, not security)
    base = "https://w3id.org/mgkg/id/synthetic/"
    out_triples = [ox.Triple(t.subject, t.predicate, t.object) for t in triples]
    # degree-weighted pool: each entity appears once per claim end, plus once
    pool = list(real_nodes)
    for u, v in graph.edges():
        pool += [u, v]
    new_claims = 0
    ratio = graph.number_of_edges() / max(len(real_nodes), 1)
    for i in range(n_nodes - len(real_nodes)):
        template_entity = rng.choice(real_nodes)
        node = ox.NamedNode(f"{base}entity-{i}")
        for t in by_subject.get(template_entity, []):
            if t.predicate.value == RDF + "type" or t.predicate.value.endswith("definition"):
                out_triples.append(ox.Triple(node, t.predicate, t.object))
        label = graph.nodes[template_entity]["entity"].label
        out_triples.append(
            ox.Triple(node, ox.NamedNode(RDFS_LABEL), ox.Literal(f"{label} #{i}", language="en"))
        )
        links = 2 if rng.random() < ratio - 1 else 1
        for _ in range(links):
            other = rng.choice(pool)
            template = rng.choice(templates)
            claim = ox.NamedNode(f"{base}claim-{new_claims}")
            new_claims += 1
            subject, obj = (node.value, other) if rng.random() < 0.5 else (other, node.value)
            for t in by_subject[template]:
                if t.predicate.value not in SKIP:
                    out_triples.append(ox.Triple(claim, t.predicate, t.object))
            out_triples.append(ox.Triple(claim, ox.NamedNode(RDF + "subject"), ox.NamedNode(subject)))
            out_triples.append(ox.Triple(claim, ox.NamedNode(RDF + "object"), ox.NamedNode(obj)))
            text = f"Synthetic claim {new_claims}: {statements[template]}"
            out_triples.append(ox.Triple(claim, ox.NamedNode(RDFS_LABEL), ox.Literal(text, language="en")))
            pool += [node.value, other]
    out.write_bytes(ox.serialize(out_triples, format=ox.RdfFormat.N_TRIPLES))
    return {"nodes": n_nodes, "edges": graph.number_of_edges() + new_claims}
