"""A real HTTP server on 127.0.0.1 serving the fixture sites.

Paths are ``/{host}/{path}`` (see :mod:`tests.support.localsite`). Each source
adds its routes (see :mod:`tests.support.sites`); the server records every
request so tests can count them, and can be told to fail a path a few times.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    abort: bool = False  # close the connection without answering
    missing_bytes: int = 0  # announce this many more bytes than sent, then close

    @classmethod
    def json(cls, data: object, status: int = 200) -> Reply:
        return cls(
            status, json.dumps(data, ensure_ascii=False).encode(), "application/json;charset=utf-8"
        )

    @classmethod
    def file(cls, path: Path, content_type: str) -> Reply:
        if not path.is_file():
            return cls.not_found()
        return cls(200, path.read_bytes(), content_type)

    @classmethod
    def not_found(cls) -> Reply:
        return cls(404, b"<html><body><h1>404 Not Found</h1></body></html>")


@dataclass
class Hit:
    method: str
    path: str
    body: bytes
    at: float = field(default_factory=time.monotonic)
    headers: dict[str, str] = field(default_factory=dict)  # names lowercased


Handler = Callable[["FixtureSite", "re.Match[str]", Hit], Reply]


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class FixtureSite:
    """Routes, state (planned failures) and the request log of one server."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.hits: list[Hit] = []
        self.failures: Counter[str] = Counter()  # path -> how many times to fail
        self.failure_replies: dict[str, Reply] = {}
        self.lock = threading.Lock()
        self.state: dict = {}  # per-source changes a test makes to its fixture site
        self.url = ""
        self.add(
            "GET",
            r"/[^/]+/robots\.txt",
            lambda site, m, hit: Reply(200, b"User-agent: *\nAllow: /\n", "text/plain"),
        )

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append(Route(method, re.compile(pattern + r"$"), handler))

    def fail(self, path: str, times: int = 1, reply: Reply | None = None) -> None:
        """Answer ``path`` with ``reply`` (default: HTTP 500) the next ``times`` times."""
        self.failures[path] += times
        self.failure_replies[path] = reply or Reply(500, b"<h1>500 Internal Server Error</h1>")

    def requests_to(self, pattern: str) -> list[Hit]:
        regex = re.compile(pattern)
        return [hit for hit in self.hits if regex.search(hit.path)]

    def answer(self, hit: Hit) -> Reply:
        with self.lock:
            self.hits.append(hit)
            path = hit.path.split("?", 1)[0]
            if self.failures[path] > 0:
                self.failures[path] -= 1
                return self.failure_replies[path]
        if self.state.get("delay"):
            time.sleep(self.state["delay"])  # a slow site, for timeouts and interruptions
        time.sleep(self.state.get("slow_paths", {}).get(path, 0))
        for route in self.routes:
            match = route.pattern.match(path)
            if route.method == hit.method and match:
                return route.handler(self, match, hit)
        return Reply.not_found()


def make_handler(site: FixtureSite) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = site.answer(Hit(self.command, self.path, body, headers=headers))
            if reply.abort:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body) + reply.missing_bytes))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
            if reply.missing_bytes:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

        def _serve_quietly(self) -> None:
            try:
                self._serve()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout under test): nothing to answer

        do_GET = do_POST = _serve_quietly

        def log_message(self, format: str, *args: object) -> None:
            pass

    return RequestHandler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a crawl opening 32 connections at once
    # would see SYNs dropped and retried a second later, as no real server does.
    request_queue_size = 128

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # clients hanging up are expected


class FixtureServer:
    def __init__(self, site: FixtureSite, port: int = 0) -> None:
        self.site = site
        self.httpd = QuietServer(("127.0.0.1", port), make_handler(site))
        self.httpd.daemon_threads = True
        site.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return self.site.url

    def __enter__(self) -> FixtureServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
