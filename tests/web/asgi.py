"""Calling the web app in-process (httpx over ASGI), without a server."""

from __future__ import annotations

import asyncio

import httpx

from monitor.web import app_for_url


def get(url: str, path: str) -> httpx.Response:
    """GET ``path`` from the app over the store at ``url``."""

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app_for_url(url))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver"
        ) as client:
            return await client.get(path)

    return asyncio.run(call())
