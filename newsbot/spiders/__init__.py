"""One spider per source: discovery and requests only; parsing lives in newsbot.sources."""
