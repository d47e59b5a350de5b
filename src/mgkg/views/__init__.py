"""Views: the release as a claim graph people look at (the ``mgkg viz`` page, pyvis, explanations).

Owns the graph model read from the release, the interactive page and its assets, and path
explanations. May import ``mgkg.query`` and ``mgkg.build``; never ``mgkg.web`` or ``mgkg.cli``.
"""
