"""Test-only download handler: every request goes to the local fixture server.

``https://news.qq.com/rain/a/X`` is fetched as ``{NEWSBOT_TEST_SITE}/news.qq.com/rain/a/X``
and the response keeps the original URL, so spiders run unchanged. Enable with::

    -s DOWNLOAD_HANDLERS='{"http": "tests.support.localsite.LocalSiteHandler",
                           "https": "tests.support.localsite.LocalSiteHandler"}'
    -s NEWSBOT_TEST_SITE=http://127.0.0.1:PORT
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response


def local_url(site: str, url: str) -> str:
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{site.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


class LocalSiteHandler(HTTP11DownloadHandler):
    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.site = crawler.settings.get("NEWSBOT_TEST_SITE")
        if not self.site:
            raise ValueError("NEWSBOT_TEST_SITE must be set to the fixture server's base URL")

    async def download_request(self, request: Request) -> Response:
        if request.url.startswith(self.site):
            return await super().download_request(request)
        local = request.replace(url=local_url(self.site, request.url))
        response = await super().download_request(local)
        return response.replace(url=request.url, request=request)
