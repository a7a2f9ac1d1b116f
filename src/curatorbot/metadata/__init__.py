"""Metadata providers (GitHub, YouTube, ...) and their registry; `registry` is the entry.

The package itself imports nothing, so a module that only needs `metadata.html` (the link
checker's title extraction) does not load every provider: import names from the modules
that define them.
"""
