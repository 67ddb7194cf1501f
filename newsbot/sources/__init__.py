"""The sources: one declared <name>.toml (and its optional hook module <name>.py) each."""
