"""Spiders that are not one source's: the base every spider builds on, the feed spider."""
