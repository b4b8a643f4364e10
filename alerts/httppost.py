"""POST JSON to a secret URL with httpx and classify the outcome (shared by Slack and webhook).

The URL of an incoming webhook is a credential: whoever has it can post. It never appears in an
error, in repr, or in the log line httpx itself writes for each request.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Final

import httpx

from alerts.errors import AlertConfigError, AlertDeliveryError
from alerts.render import one_line, shorten

# Statuses worth retrying besides 5xx: request timeout, too early, rate limited (Slack sends 429).
RETRYABLE_STATUSES: Final = frozenset({408, 425, 429})
# How much of an error response body goes into the error message (Slack: "invalid_payload").
MAX_BODY_IN_ERROR: Final = 200
USER_AGENT: Final = "defwatch-alerts"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A URL to POST to and how errors may name it without revealing it."""

    url: str = field(repr=False)
    label: str

    def redact(self, text: str) -> str:
        """``text`` with the URL (and its path, where Slack keeps the token) replaced by the label."""
        parsed = httpx.URL(self.url)
        spellings = [self.url, str(parsed)]
        path = parsed.raw_path.decode("ascii")
        if len(path) > 1:  # a receiver may echo the path back in an error body
            spellings += [path, parsed.path]
        for spelling in spellings:
            text = text.replace(spelling, f"<{self.label}>")
        return text


def endpoint_from(kind: str, key: str, url: str, label: str) -> Endpoint:
    """An Endpoint after checking the URL is http(s); the error names the option, not the URL."""
    try:
        scheme = httpx.URL(url).scheme
    except httpx.InvalidURL:
        scheme = ""
    if scheme not in ("http", "https"):
        raise AlertConfigError(
            f"{kind} channel: {label} (option {key!r}) is not an http(s) URL"
        )
    return Endpoint(url, label)


class RedactUrlFilter(logging.Filter):
    """Rewrites log records that contain the endpoint's URL (httpx logs every request's URL)."""

    def __init__(self, endpoint: Endpoint) -> None:
        super().__init__()
        self._endpoint = endpoint

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, with the URL replaced by its label."""
        message = record.getMessage()
        redacted = self._endpoint.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class JsonPoster:
    """Posts JSON documents to one endpoint through an httpx.Client."""

    def __init__(
        self,
        channel: str,
        endpoint: Endpoint,
        client: httpx.Client,
        *,
        owns_client: bool,
    ) -> None:
        self._channel = channel
        self._endpoint = endpoint
        self._client = client
        self._owns_client = owns_client
        httpx_logger = logging.getLogger("httpx")
        log_filter = RedactUrlFilter(endpoint)
        httpx_logger.addFilter(log_filter)
        # Removes the filter on close(), or when the poster is garbage-collected unclosed.
        self._unfilter = weakref.finalize(self, httpx_logger.removeFilter, log_filter)

    def post(
        self, payload: object, headers: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """POST ``payload``; return the 2xx response or raise a classified AlertDeliveryError."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        all_headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
        }
        all_headers.update(headers or {})
        try:
            response = self._client.post(
                self._endpoint.url, content=body, headers=all_headers
            )
        except httpx.TimeoutException:
            raise self._error("timed out", retryable=True) from None
        except httpx.TransportError as error:
            detail = self._endpoint.redact(f"{type(error).__name__}: {error}")
            raise self._error(f"failed: {detail}", retryable=True) from None
        if not response.is_success:
            raise status_error(self._channel, self._endpoint, response)
        return response

    def _error(self, problem: str, *, retryable: bool) -> AlertDeliveryError:
        return AlertDeliveryError(
            self._channel,
            f"POST to the {self._endpoint.label} {problem}",
            retryable=retryable,
        )

    def close(self) -> None:
        """Stop redacting httpx's log and close the client if this poster created it."""
        self._unfilter()
        if self._owns_client:
            self._client.close()


def status_error(
    channel: str, endpoint: Endpoint, response: httpx.Response
) -> AlertDeliveryError:
    """A non-2xx answer: 429/408/425 and 5xx are retryable, any other status is permanent."""
    status = response.status_code
    retryable = status in RETRYABLE_STATUSES or 500 <= status <= 599
    body = endpoint.redact(one_line(response.text))
    detail = f": {shorten(body, MAX_BODY_IN_ERROR)}" if body else ""
    return AlertDeliveryError(
        channel,
        f"the {endpoint.label} answered HTTP {status}{detail}",
        retryable=retryable,
        retry_after_s=retry_after_seconds(response.headers.get("Retry-After"))
        if retryable
        else None,
    )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date); None if absent/bad."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def build_client(timeout_s: float) -> httpx.Client:
    """The client a channel uses when none is injected: one timeout for connect/read/write."""
    return httpx.Client(timeout=httpx.Timeout(timeout_s), follow_redirects=False)
