"""Query: run SPARQL (catalog queries and ad hoc text) against a release or a remote store.

Owns the embedded engine and the remote client, result formats, the query guards (no update,
no SERVICE), the store cache, pushing a release to a store and unknown-term warnings.
May import ``mgkg.build`` (the catalog, export formats) and the foundation modules; nothing above.
"""
