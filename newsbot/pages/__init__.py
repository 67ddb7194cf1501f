"""Page objects: pure functions of a saved answer (HTML or JSON) to entries and items."""
