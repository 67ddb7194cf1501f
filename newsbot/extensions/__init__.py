"""Crawl-wide extensions (reports)."""
