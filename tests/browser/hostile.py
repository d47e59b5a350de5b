"""Text from data that must never run, at every place data reaches a page.

Shared by tests/test_viz.py (the HTML) and tests/browser/test_views.py (the browser).
"""

from __future__ import annotations

import json

HOSTILE_PREFIXES = """
@prefix mgkg: <https://w3id.org/mgkg/ontology#> .
@prefix kg: <https://w3id.org/mgkg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix prism: <http://prismstandard.org/namespaces/basic/2.0/> .
@prefix ex: <https://example.org/> .
"""

#: Text from data that must never run: every place data reaches the page.
HOSTILE_LABEL = '<script>window.__pwned="label"</script>'
HOSTILE_IMG = "<img src=x onerror=\"window.__pwned='img'\">"
HOSTILE = (
    HOSTILE_PREFIXES
    + f"""
kg:evil a mgkg:Disorder ;
    rdfs:label {json.dumps(HOSTILE_LABEL)}@en ;
    skos:definition {json.dumps(HOSTILE_IMG + ' </script><script>window.__pwned="def"</script>')}@en ;
    skos:altLabel "{{{{APP_JS}}}} \u2028 <!-- --> ]]>"@en ;
    skos:exactMatch <javascript:window.__pwned=1> , <http://id.nlm.nih.gov/mesh/D008274> .
kg:magnesium a mgkg:Mineral ; rdfs:label "magnesium"@en ;
    skos:definition "A mineral."@en ; skos:exactMatch <http://purl.obolibrary.org/obo/CHEBI_18420> .
kg:evil-claim a mgkg:Claim, rdf:Statement ;
    rdf:subject kg:magnesium ; rdf:predicate mgkg:mayAlleviate ; rdf:object kg:evil ;
    rdfs:label "<svg onload=\\"window.__pwned='claim'\\"></svg> magnesium helps"@en ;
    mgkg:quotation "<iframe srcdoc='<script>parent.__pwned=1</script>'></iframe>" ;
    mgkg:pageSection "<b onmouseover=window.__pwned=1>section</b>" ;
    mgkg:hedge "<a href=javascript:window.__pwned=1>may</a>" ;
    mgkg:evidenceGrade ex:grade-evil ;
    prov:wasDerivedFrom kg:evil-source .
ex:grade-evil rdfs:label "<img src=y onerror=window.__pwned='grade'> low"@en .
kg:evil-source rdfs:label "<script>window.__pwned='source'</script>"@en ;
    fabio:hasPubMedId "1<img src=z onerror=window.__pwned=2>" ;
    prism:doi "10.1/x\\"><script>window.__pwned=3</script>" ;
    mgkg:sourceUrl "javascript:window.__pwned=4" ;
    mgkg:sourceKind mgkg:PageAssertion .
"""
)
