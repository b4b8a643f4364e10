"""Jinja2 templates for email bodies and subjects: shipped in alerts/templates, overridable by the user.

Scraped text is only ever passed to templates as data, never compiled, so ``{{ 7*7 }}`` in an
article stays literal. HTML templates (``*.html.j2``) autoescape. All templates, shipped or the
user's, run in Jinja's immutable sandbox, so a template cannot reach into Python internals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from alerts.errors import AlertConfigError, AlertDeliveryError
from alerts.excerpt import DiffLine, cut, diff_lines, more_lines_note
from alerts.message import ChangeAlert
from alerts.render import headline, one_line

SHIPPED_DIR: Final = Path(__file__).parent / "templates"

# The templates a channel renders; a user's template_dir may override any of them (same names).
TEMPLATE_NAMES: Final = (
    "email_subject.txt.j2",
    "email_body.txt.j2",
    "email_body.html.j2",
    "digest_subject.txt.j2",
    "digest_body.txt.j2",
    "digest_body.html.j2",
)


# Rendered once when a user's template_dir is configured, so a template that uses a variable that
# does not exist fails at startup (AlertConfigError) instead of at the first real change.
SAMPLE_ALERT: Final = ChangeAlert(
    change_id=0,
    source="sample-source",
    url="https://news.example/sample-article",
    title="Sample article",
    kind="edited",
    kinds=("headline",),
    summary="headline changed; 1 paragraph edited",
    detected_at=datetime(2026, 1, 1, tzinfo=UTC),
    from_version=1,
    to_version=2,
    diff_text="@@ -1 +1 @@\n-old sentence\n+new sentence\n",
    old_title="Old sample article",
    diff_url="https://defwatch.example/changes/0",
    article_key="sample-source:sample-article",
)


def _autoescape(name: str | None) -> bool:
    return name is not None and name.endswith(".html.j2")


def http_url(url: object) -> str:
    """The URL when it is http(s), else "#": a scraped ``javascript:`` URL must not become a link."""
    text = str(url or "")
    return text if text.lower().startswith(("http://", "https://")) else "#"


class Templates:
    """The channel's template set: the user's directory first, the shipped templates behind it."""

    def __init__(self, channel: str, template_dir: str | None = None) -> None:
        self._channel = channel
        loaders: list[jinja2.BaseLoader] = []
        if template_dir is not None:
            if not Path(template_dir).is_dir():
                raise AlertConfigError(
                    f"{channel} channel: option 'template_dir' is not a directory: {template_dir}"
                )
            loaders.append(jinja2.FileSystemLoader(template_dir))
        loaders.append(jinja2.FileSystemLoader(SHIPPED_DIR))
        self._env = ImmutableSandboxedEnvironment(
            loader=jinja2.ChoiceLoader(loaders),
            autoescape=_autoescape,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self._env.filters["http_url"] = http_url
        for name in TEMPLATE_NAMES:
            self._load(name)

    def _load(self, name: str) -> jinja2.Template:
        try:
            return self._env.get_template(name)
        except jinja2.TemplateSyntaxError as error:
            raise AlertConfigError(
                f"{self._channel} channel: template {error.filename or name} line {error.lineno}: "
                f"{error.message}"
            ) from None

    def render(self, name: str, context: Mapping[str, object]) -> str:
        """Render one template; a failing (user) template is a permanent delivery error."""
        try:
            return self._load(name).render(context)
        except jinja2.TemplateError as error:
            raise AlertDeliveryError(
                self._channel, f"template {name} failed: {error}", retryable=False
            ) from None


def item_context(
    alert: ChangeAlert, *, max_lines: int, max_chars: int
) -> dict[str, object]:
    """What a template sees of one change. Every value is data; nothing here is compiled."""
    lines = diff_lines(alert.diff_text)
    excerpt = cut(
        [line.text for line in lines], max_chars=max_chars, max_lines=max_lines
    )
    kept = [DiffLine(lines[i].kind, text) for i, text in enumerate(excerpt.lines)]
    versions = ""
    if alert.from_version is not None and alert.to_version is not None:
        versions = f"{alert.from_version} → {alert.to_version}"
    old_title = (
        alert.old_title if alert.old_title and alert.old_title != alert.title else ""
    )
    return {
        "alert": alert,
        "headline": headline(alert),
        "detected": alert.detected_at.isoformat(timespec="seconds"),
        "versions": versions,
        "old_title": one_line(old_title),
        "diff_lines": kept,
        "omitted": excerpt.omitted,
        "more_note": more_lines_note(excerpt.omitted),
        # Built by the monitor from escaped text: trusted HTML, inserted as is.
        "diff_html": Markup(alert.diff_html) if alert.diff_html else "",
    }


def digest_context(
    alerts: Sequence[ChangeAlert], *, max_lines: int, max_chars: int
) -> list[dict[str, object]]:
    """Per-change contexts for a digest."""
    return [
        item_context(alert, max_lines=max_lines, max_chars=max_chars)
        for alert in alerts
    ]
