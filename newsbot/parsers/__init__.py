"""Page parsing, one module per source: pure functions of a payload or HTML."""
