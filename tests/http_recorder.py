"""A real HTTP server on 127.0.0.1 for tests that send requests out (webhooks, Greenhouse).

:class:`HttpServer` runs ``http.server`` in a thread; every request (any method) is passed to
``answer`` as a :class:`Recorded` request, and what it returns is sent back. The fixtures of the
api, greenhouse and webhooks tests build their own recording and scripting on it.
"""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Recorded:
    """One request as it arrived."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What the server sends back."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class HttpServer:
    """``http.server`` on 127.0.0.1 (TLS when ``tls`` is given), in a daemon thread, quiet.

    ``answer`` runs on the server's request thread; a client that stops reading early is not
    an error. :meth:`close` stops it.
    """

    def __init__(self, answer: Callable[[Recorded], Answer],
                 tls: ssl.SSLContext | None = None) -> None:
        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                reply = answer(Recorded(self.command, self.path, dict(self.headers.items()),
                                        body))
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                except OSError:
                    pass  # the client stopped reading (e.g. after a snippet): expected

            do_GET = do_POST = do_PUT = do_PATCH = _handle  # noqa: N815 - http.server's naming

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port: int = self.httpd.server_address[1]
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
