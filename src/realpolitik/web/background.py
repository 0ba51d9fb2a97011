"""The app under uvicorn in a background thread: for browser tests, screenshots and notebooks.

``realpolitik serve`` blocks; a test or a script that drives the page needs the server
running beside it. The socket is bound before the thread starts, on a free loopback port,
so the URL is known at once and no other process can take the port in between.
"""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

__all__ = ["BackgroundServer"]


class BackgroundServer:
    """``with BackgroundServer(app) as live: ... live.url ...`` serves ``app`` until the block ends."""

    def __init__(self, app, *, host: str = "127.0.0.1", timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.port: int = self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + self.timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(self.timeout)
        self.sock.close()
        if self.thread.is_alive():
            raise RuntimeError("uvicorn did not stop")
