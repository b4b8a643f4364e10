"""The demo's bundled site stays quiet when a crawler drops its kept-alive connections."""

from __future__ import annotations

import socket
import struct
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor.demo.site import serve_directory


def test_a_dropped_connection_prints_no_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index.html").write_text("<html><body>hi</body></html>", "utf-8")
    with serve_directory(tmp_path) as base:
        address = urlsplit(base)
        client = socket.create_connection((address.hostname, address.port))
        time.sleep(0.2)  # the server is now waiting for a request line on it
        # close with a reset (SO_LINGER 0), as a crawler process that exits leaves them
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
        time.sleep(0.3)
    assert "Traceback" not in capfd.readouterr().err
