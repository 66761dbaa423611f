"""Run a WSGI app (the stub, or a test's webhook receiver) on 127.0.0.1 in a thread."""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

HOST = "127.0.0.1"
POLL_SECONDS = 0.02  # how fast shutdown() is noticed


class ServerThread:
    """A threaded werkzeug server on ``127.0.0.1:port`` (``port=0`` picks a free port).

    Use as a context manager: the server starts on enter and is shut down and its socket
    closed on exit. ``url`` is ``http://127.0.0.1:<port>`` (no trailing slash).
    """

    def __init__(self, app: Any, port: int = 0) -> None:
        self._server: BaseWSGIServer = make_server(HOST, port, app, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name=f"wsgi-{self.port}",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
