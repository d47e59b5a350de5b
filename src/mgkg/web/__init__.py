"""Web: ``mgkg serve``, the SPARQL 1.1 Protocol endpoint and the site around it.

Owns the ASGI app, protocol parsing and negotiation, isolated query workers, fairness and the
answer cache, the server settings, the pages with their templates and static files. May import
``mgkg.views``, ``mgkg.query`` and ``mgkg.build``; never ``mgkg.cli``.
"""
