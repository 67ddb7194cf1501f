"""Moved: the Redis add-on is ``newsbot.distributed.addon.RedisAddon``.

``ADDONS = {"newsbot.addons.RedisAddon": 0}`` keeps working; new settings name
the new path.
"""

from newsbot.distributed.addon import RedisAddon

__all__ = ["RedisAddon"]
