"""The connection to Redis (NEWSBOT_REDIS_URL): clients, the key prefix, checks,
and the names of a run's parts (source, worker)."""

from __future__ import annotations

import os
import re
import secrets
import socket
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from redis.exceptions import RedisError
from scrapy_redis import defaults as redis_defaults
from scrapy_redis.connection import get_redis

if TYPE_CHECKING:
    from redis import Redis
    from scrapy import Spider
    from scrapy.settings import BaseSettings

PREFIX_RE = re.compile(r"^[A-Za-z0-9_.:-]+$")


class RedisUnavailable(RuntimeError):
    """Redis (NEWSBOT_REDIS_URL) cannot be reached or used."""


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


def prefix_of(settings: BaseSettings) -> str:
    prefix = settings.get("NEWSBOT_REDIS_PREFIX") or "newsbot"
    if not PREFIX_RE.match(prefix):
        raise RedisUnavailable(
            f"NEWSBOT_REDIS_PREFIX {prefix!r} may only hold letters, digits and _ . : -"
        )
    return prefix


def connect(settings: BaseSettings) -> Redis:
    """A client for NEWSBOT_REDIS_URL with scrapy-redis's connection defaults
    (and REDIS_PARAMS)."""
    url = settings.get("NEWSBOT_REDIS_URL")
    if not url:
        raise RedisUnavailable("NEWSBOT_REDIS_URL is not set")
    params = {**redis_defaults.REDIS_PARAMS, **settings.getdict("REDIS_PARAMS")}
    try:
        return get_redis(url=url, **params)
    except ValueError as exc:  # not a redis:// URL
        raise RedisUnavailable(
            f"NEWSBOT_REDIS_URL={redacted(url)!r} is not usable: {exc}"
        ) from None


def check_redis(settings: BaseSettings) -> None:
    """Raise RedisUnavailable, with one clear message, if NEWSBOT_REDIS_URL does not answer."""
    url = settings.get("NEWSBOT_REDIS_URL")
    prefix_of(settings)
    client = connect(settings)
    try:
        client.ping()
    except (RedisError, OSError) as exc:
        raise RedisUnavailable(
            f"Redis at NEWSBOT_REDIS_URL={redacted(url)} is unreachable: {str(exc).rstrip('.')}. "
            "Nothing was crawled or written; start Redis or fix NEWSBOT_REDIS_URL "
            "(unset it to crawl without Redis)."
        ) from None
    finally:
        client.close()


def source_of(spider: Spider) -> str:
    """The key part of a spider's run: its source (the feed spider runs many), else its name."""
    return getattr(spider, "source", "") or spider.name


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
