"""The rule for tests needing a server: skip when it is absent, fail when CI requires it."""

from __future__ import annotations

import socket

import pytest

from tests.services import REQUIRE_ENV, postgres_admin_engine, redis_url


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("service", ["postgresql", "redis"])
def test_an_absent_server_skips_the_test_unless_services_are_required(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()

    def reach() -> object:
        if service == "postgresql":
            return postgres_admin_engine(
                f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
            )
        return redis_url(f"redis://127.0.0.1:{port}/0")

    monkeypatch.delenv(REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="not reachable"):
        reach()
    monkeypatch.setenv(REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=f"{REQUIRE_ENV} is set"):
        reach()
