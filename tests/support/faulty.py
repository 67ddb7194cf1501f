"""Test-only stores that fail the way real state folders do."""

from __future__ import annotations

import sqlite3

from newsbot.store import SQLiteStore


class FullDiskStore(SQLiteStore):
    """Reads work; every write fails as SQLite does on a full disk (not an OSError)."""

    def add(self, record) -> None:
        raise sqlite3.OperationalError("database or disk is full")
