"""Per-field coverage (tests/support/coverage.py): on every source's saved pages,
title, date to the minute, author, thumbnail, body start/end and image count all
match the expected values; and the command tells a mismatch."""

from __future__ import annotations

import pytest

from tests.support import coverage

SOURCES = coverage.hand_written_sources() + coverage.declared_sources()


@pytest.mark.parametrize("source", SOURCES)
def test_every_field_of_every_case_matches(source):
    rows = coverage.rows(source)
    assert rows, f"{source}: no article cases"
    assert not [(r.case, r.mismatches, r.note) for r in rows if r.mismatches], coverage.table(rows)


def test_a_mismatch_is_reported_per_field():
    want = {"title": "T", "date": "2026-11-22 09:12:40", "author": "A", "thumbnail": ""}
    want |= {"images": ["https://x/1.jpg"], "body_start": "First words", "body_end": "last words."}
    got = {**want, "date": "2026-11-22 14:42:40", "images": []}
    result = coverage.compare(got, want, body="First words of it.\n\nAnd the last words.")
    assert [name for name in coverage.FIELDS if result[name] is False] == ["date", "images"]
    # the minute is what counts: other seconds match
    assert coverage.compare({**want, "date": "2026-11-22 09:12:00"}, want)["date"] is True
    row = coverage.Row("s", "c", result)
    assert row.mismatches == ["date", "images"]
    assert "X" in coverage.table([row])


def test_the_command_prints_every_source_and_case(capsys):
    assert coverage.main(["sina"]) == 0
    out = capsys.readouterr().out
    assert "sina/nkqshow7731052" in out and "0 do not match" in out
