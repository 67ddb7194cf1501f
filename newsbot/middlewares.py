"""Moved: the spider middleware is ``newsbot.spidermiddlewares.SkipExportedMiddleware``,
the article-request meta ``newsbot.articlemeta``.

``SPIDER_MIDDLEWARES`` entries naming ``newsbot.middlewares.SkipExportedMiddleware``
keep working; new settings name the new path.
"""

from newsbot.spidermiddlewares import SkipExportedMiddleware

__all__ = ["SkipExportedMiddleware"]
