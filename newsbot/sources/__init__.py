"""One place per source: ``<name>.toml`` for a declared source (with an optional hook
module ``<name>.py``), or ``<name>.py`` for a hand-written one (its constants, page
objects and spider). See docs/architecture.md, "Where a source lives", and
docs/sources.md.
"""
