"""Moved: the Redis store is ``newsbot.distributed.store.RedisStore``.

``NEWSBOT_STORE = "newsbot.redisstore.RedisStore"`` keeps working; new settings
name the new path.
"""

from newsbot.distributed.store import RedisStore

__all__ = ["RedisStore"]
