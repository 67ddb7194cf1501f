"""One module per hand-written source: its constants, page objects and spider.

See docs/architecture.md, "Where a source lives".
"""
