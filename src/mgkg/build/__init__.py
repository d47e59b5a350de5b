"""Build: curation files and the ontology in, a checked, graded, synthesized release out.

Owns reading and checking curation, grading and evidence synthesis, the derived edges, every
export format and the pipeline that writes ``graph/``. May import only ``mgkg.vocab``,
``mgkg.prefixes`` and ``mgkg.errors``: nothing here knows how the release is queried or shown.
"""
