from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newsbot.dates import DateError, normalize_date, to_site_time


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


# --- the date rule (issue 13.1): to_site_time, the one function every source uses ---


@pytest.mark.parametrize(
    ("value", "source_zone", "expected"),
    [
        ("2026-11-24T17:05:11Z", None, "2026-11-25 01:05:11"),  # TechCrunch: was 17:05:11
        ("Tue, 24 Nov 2026 17:05:11 +0000", "Europe/London", "2026-11-25 01:05:11"),
        ("Wed, 17 Jun 2026 14:05:42 GMT", "Europe/London", "2026-06-17 22:05:42"),
        ("2026-06-17 14:05:42", "Europe/London", "2026-06-17 21:05:42"),  # naive: BST
        ("2026-06-17 14:05:42", None, "2026-06-17 14:05:42"),  # naive: the site's zone
        ("2026-06-17 14:05", "Asia/Kolkata", "2026-06-17 16:35:00"),
        (1739179744, "America/New_York", "2025-02-10 17:29:04"),  # epochs name UTC
        ("1739179744000", None, "2025-02-10 17:29:04"),
        ("2025年2月10日 17:29", "Asia/Hong_Kong", "2025-02-10 17:29:00"),
        ("2019-11-25T05:57:38-0500", None, "2019-11-25 18:57:38"),
    ],
)
def test_to_site_time_writes_site_wall_time(value, source_zone, expected):
    assert to_site_time(value, source_zone, "Asia/Shanghai") == expected
    assert to_site_time(value, source_zone and ZoneInfo(source_zone)) == expected


def test_to_site_time_in_another_site_zone():
    assert to_site_time("2026-11-24T17:05:11Z", None, "UTC") == "2026-11-24 17:05:11"
    assert to_site_time("2026-11-24 17:05:11", None, "Europe/Paris") == "2026-11-24 17:05:11"
    assert to_site_time("2026-11-24 17:05:11", "Asia/Shanghai", "UTC") == "2026-11-24 09:05:11"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("刚刚", "2026-01-01 00:30:00"),
        ("5分钟前", "2026-01-01 00:25:00"),
        ("2小時前", "2025-12-31 22:30:00"),
        ("1天前", "2025-12-31 00:30:00"),
        ("今天 08:15", "2026-01-01 08:15:00"),
        ("昨天 10:00", "2025-12-31 10:00:00"),
        ("前天 23:59:59", "2025-12-30 23:59:59"),
        ("12-31 23:00", "2025-12-31 23:00:00"),  # no year, later than today: last year
        ("01-01 00:10", "2026-01-01 00:10:00"),
    ],
)
def test_to_site_time_reads_chinese_relative_forms(value, expected):
    now = datetime(2026, 1, 1, 0, 30)  # naive: in the source's zone
    assert to_site_time(value, "Asia/Shanghai", "Asia/Shanghai", now=now) == expected


@pytest.mark.parametrize("value", ["", None, "soon", "2025-13-45 10:00", "昨天 25:00"])
def test_to_site_time_refuses_what_it_cannot_read(value):
    with pytest.raises(DateError):
        to_site_time(value)


def test_to_site_time_refuses_unknown_zones():
    with pytest.raises(DateError, match="Mars/Base"):
        to_site_time("2026-01-01 00:00:00", "Mars/Base")
