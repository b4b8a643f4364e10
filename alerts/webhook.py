"""Webhook channel: POST each change as JSON to a URL of the user's choosing."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final, Self

import httpx

from alerts.channel import AlertChannel
from alerts.errors import AlertConfigError
from alerts.httppost import JsonPoster, build_client, endpoint_from
from alerts.message import ChangeAlert
from alerts.options import OptionReader, secret_from

# Version of the JSON document; bumped if a field changes meaning so receivers can tell.
SCHEMA: Final = "defwatch.alert/1"
# RFC 9110 token characters: what a header name may contain.
_HEADER_NAME: Final = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def change_json(alert: ChangeAlert) -> dict[str, object]:
    """Every ChangeAlert field as JSON-ready data (datetimes ISO 8601, tuples as lists)."""
    data: dict[str, object] = {}
    for field in dataclasses.fields(alert):
        value = getattr(alert, field.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[field.name] = value
    return data


class WebhookChannel(AlertChannel):
    """POST each alert as a JSON document to an HTTP endpoint (your own automation).

    Body: {"schema": "defwatch.alert/1", "event": "change", "idempotency_key": ..., "change":
    {every alert field; datetimes in ISO 8601}}; a digest sends "event": "digest" with a
    "changes" list instead. The Idempotency-Key header repeats the key: a retry of the same
    delivery carries the same key, so the receiver can drop duplicates. A 2xx answer is success;
    429, 408 and 5xx are retried (honouring Retry-After), other answers are not.

    Options:
      url_env      NAME of the environment variable holding the URL (use when the URL is secret)
      url          the URL itself (when it is not secret); give url_env or url, not both
      headers_env  table of header name = NAME of the environment variable holding its value,
                   e.g. {Authorization = "DEFWATCH_HOOK_AUTH"}
      timeout_s    network timeout in seconds (default 10)
    """

    kind = "webhook"

    def __init__(
        self,
        url: str,
        client: httpx.Client,
        *,
        owns_client: bool = False,
        headers: Mapping[str, str] | None = None,
        url_label: str = "webhook URL",
    ) -> None:
        endpoint = endpoint_from(self.kind, "url", url, url_label)
        self._poster = JsonPoster(self.kind, endpoint, client, owns_client=owns_client)
        self._headers = dict(headers or {})

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> Self:
        """Build from config; secrets (URL, header values) come from the named variables."""
        read = OptionReader(cls.kind, options)
        url_env, plain_url = read.text("url_env"), read.text("url")
        if (url_env is None) == (plain_url is None):
            raise AlertConfigError(
                "webhook channel: give exactly one of the options 'url_env' and 'url'"
            )
        if url_env is not None:
            url, label = read.secret("url_env", environ), f"webhook URL from ${url_env}"
        else:
            url, label = str(plain_url), "webhook URL"
        headers = {}
        for name, variable in read.text_map("headers_env").items():
            if not _HEADER_NAME.match(name):
                raise AlertConfigError(
                    f"webhook channel: {name!r} in option 'headers_env' is not a header name"
                )
            headers[name] = secret_from(cls.kind, "headers_env", variable, environ)
        client = build_client(read.number("timeout_s", 10.0))
        return cls(url, client, owns_client=True, headers=headers, url_label=label)

    def __repr__(self) -> str:
        return f"WebhookChannel(<URL hidden>, headers={sorted(self._headers)!r})"

    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        """POST one change."""
        document = {"event": "change", "change": change_json(alert)}
        self._post(document, idempotency_key)

    def send_digest(
        self, alerts: Sequence[ChangeAlert], *, idempotency_key: str
    ) -> None:
        """POST all changes as one document; nothing is sent for an empty list."""
        if alerts:
            document = {
                "event": "digest",
                "changes": [change_json(alert) for alert in alerts],
            }
            self._post(document, idempotency_key)

    def _post(self, document: Mapping[str, object], idempotency_key: str) -> None:
        payload = {"schema": SCHEMA, "idempotency_key": idempotency_key, **document}
        self._poster.post(
            payload, {**self._headers, "Idempotency-Key": idempotency_key}
        )

    def close(self) -> None:
        """Close the HTTP client (if the channel made it)."""
        self._poster.close()
