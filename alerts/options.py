"""Read a channel's option table (from the config file) into typed values, with errors a user can act on.

Secrets are never options: an option names the environment variable that holds the secret, and
only the variable's name (never its value) appears in an error.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from alerts.errors import AlertConfigError


@dataclass(frozen=True, slots=True)
class OptionReader:
    """Typed access to one channel's options; every error names the channel and the option."""

    kind: str
    options: Mapping[str, object]

    def _fail(self, key: str, problem: str) -> AlertConfigError:
        return AlertConfigError(f"{self.kind} channel: option {key!r} {problem}")

    def text(self, key: str, default: str | None = None) -> str | None:
        """A string option, or ``default`` when absent."""
        value = self.options.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self._fail(key, f"must be a string, not {type(value).__name__}")
        return value

    def required_text(self, key: str) -> str:
        """A string option that must be present and non-empty."""
        value = self.text(key)
        if not value:
            raise self._fail(key, "is required")
        return value

    def number(self, key: str, default: float) -> float:
        """A positive number (int or float)."""
        value = self.options.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, f"must be a number, not {type(value).__name__}")
        if value <= 0:
            raise self._fail(key, "must be greater than 0")
        return float(value)

    def port(self, key: str, default: int) -> int:
        """A TCP port number."""
        value = self.options.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 < value < 65536
        ):
            raise self._fail(key, "must be a port number between 1 and 65535")
        return value

    def choice(self, key: str, choices: Collection[str], default: str) -> str:
        """One of a fixed set of strings."""
        value = self.text(key, default) or default
        if value not in choices:
            allowed = ", ".join(repr(choice) for choice in choices)
            raise self._fail(key, f"must be one of {allowed}, not {value!r}")
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        """A non-empty list of strings; a single string counts as a list of one."""
        value = self.options.get(key)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not value:
            raise self._fail(key, "is required (a list of strings)")
        if not all(isinstance(item, str) and item for item in value):
            raise self._fail(key, "must contain only non-empty strings")
        return tuple(str(item) for item in value)

    def text_map(self, key: str) -> dict[str, str]:
        """A table of string to string (empty when absent)."""
        value = self.options.get(key, {})
        if not isinstance(value, Mapping):
            raise self._fail(key, "must be a table of name = value strings")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise self._fail(key, "must map strings to strings")
        return {str(k): str(v) for k, v in value.items()}

    def secret(self, key: str, environ: Mapping[str, str]) -> str:
        """The value of the environment variable named by option ``key`` (required)."""
        variable = self.required_text(key)
        return secret_from(self.kind, key, variable, environ)


def secret_from(kind: str, key: str, variable: str, environ: Mapping[str, str]) -> str:
    """Read ``variable`` from the environment; the error names the option and the variable only."""
    value = environ.get(variable, "")
    if not value:
        raise AlertConfigError(
            f"{kind} channel: environment variable {variable} (named by option {key!r}) "
            "is not set or empty"
        )
    return value
