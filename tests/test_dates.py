from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from newsbot.dates import DateError, normalize_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-10 17:29:04", "2025-02-10 17:29:04"),
        ("2019-9-7 21:30:50", "2019-09-07 21:30:50"),
        ("2019-11-25T18:57:38+08:00", "2019-11-25 18:57:38"),
        ("2019-11-25T10:57:38Z", "2019-11-25 18:57:38"),
        ("2019-11-25T05:57:38-0500", "2019-11-25 18:57:38"),
        ("2025年02月10日 17:29", "2025-02-10 17:29:00"),
        ("发布时间：2025年2月10日 17:29:04", "2025-02-10 17:29:04"),
        (1739179744, "2025-02-10 17:29:04"),
        ("1739179744000", "2025-02-10 17:29:04"),
    ],
)
def test_formats_in_beijing_time(value, expected):
    assert normalize_date(value) == expected


def test_offset_converted_to_other_zone():
    assert (
        normalize_date("2025-01-01T00:00:00Z", ZoneInfo("Europe/London")) == "2025-01-01 00:00:00"
    )


@pytest.mark.parametrize("value", ["", None, "yesterday", "2025-13-45 10:00:00"])
def test_unusable_dates_raise(value):
    with pytest.raises(DateError):
        normalize_date(value)


def test_rss_dates_and_keeping_the_feed_offset():
    assert normalize_date("Mon, 10 Feb 2025 09:29:04 +0000") == "2025-02-10 17:29:04"
    assert normalize_date("Mon, 10 Feb 2025 09:29:04 GMT", None) == "2025-02-10 09:29:04"
    assert normalize_date("2025-02-10T04:29:04-05:00", None) == "2025-02-10 04:29:04"
