"""Email channel: send alerts through an SMTP server (smtplib), as text + HTML with the diff."""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Final, Self

from alerts.channel import AlertChannel
from alerts.errors import AlertConfigError, AlertDeliveryError
from alerts.message import ChangeAlert
from alerts.options import OptionReader
from alerts.render import digest_headline, one_line, shorten, strip_control
from alerts.templating import SAMPLE_ALERT, Templates, digest_context, item_context

logger = logging.getLogger(__name__)

# Default port per security mode: submission with STARTTLS, implicit-TLS submission, plain relay.
DEFAULT_PORTS: Final[Mapping[str, int]] = {"starttls": 587, "tls": 465, "none": 25}
# An email diff can be long, but a runaway one (a whole page replaced) should not make a 10 MB mail.
MAX_DIFF_LINES: Final = 2000
MAX_DIFF_CHARS: Final = 200_000
# Per change in a digest, so one huge change cannot bury the others.
MAX_DIGEST_DIFF_LINES: Final = 200
MAX_DIGEST_DIFF_CHARS: Final = 20_000
# Long subjects get cut by mail clients anyway; keep the line readable.
MAX_SUBJECT_CHARS: Final = 200


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """Where and how to send mail. The password is kept out of repr."""

    host: str
    port: int
    security: str
    sender: str
    recipients: tuple[str, ...]
    timeout_s: float = 30.0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    subject_prefix: str = "[defwatch]"
    ca_file: str | None = None

    @property
    def domain(self) -> str:
        """The domain used on the right of generated Message-IDs (the sender's domain)."""
        _, _, domain = parseaddr(self.sender)[1].rpartition("@")
        return one_line(domain) or "defwatch.invalid"

    def envelope(self) -> tuple[str, list[str]]:
        """Bare addresses for MAIL FROM / RCPT TO ("Desk <d@x>" -> "d@x")."""
        return parseaddr(self.sender)[1], [parseaddr(to)[1] for to in self.recipients]


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


def message_id(idempotency_key: str, domain: str) -> str:
    """The Message-ID of the mail for one idempotency key: the same key always gives the same id."""
    return f"<defwatch.{_hash('alert:' + idempotency_key)}@{domain}>"


def thread_root_id(article: str, domain: str) -> str:
    """The Message-ID every alert about one article replies to, so clients thread them together."""
    return f"<defwatch.article.{_hash('article:' + article)}@{domain}>"


class EmailChannel(AlertChannel):
    """Send each alert as an email (plain text + HTML with the highlighted diff) over SMTP.

    Updates of one article form one thread in mail clients (In-Reply-To/References point at a
    per-article id), and a resend of the same alert carries the same Message-ID, so clients
    that deduplicate show it once. A digest is one mail listing every change.

    Options:
      host            SMTP server name (required)
      port            default 587 for starttls, 465 for tls, 25 for none
      security        "starttls" (default), "tls" (implicit TLS) or "none"
      username        login name; omit to send without logging in
      password_env    NAME of the environment variable holding the password (required with
                      username; the password itself never goes into the config)
      from            sender address (required)
      to              list of recipient addresses (required)
      timeout_s       network timeout in seconds (default 30)
      subject_prefix  start of every subject (default "[defwatch]")
      template_dir    directory whose email_*.j2 / digest_*.j2 files replace the shipped ones
                      (Jinja2, sandboxed; variables are listed in the shipped
                      email_body.txt.j2; checked with a sample alert at startup)
      ca_file         PEM file of extra CA certificates to trust (a private mail server)
    """

    kind = "email"

    def __init__(
        self, settings: SmtpSettings, templates: Templates | None = None
    ) -> None:
        self._settings = settings
        self._templates = templates or Templates(self.kind)
        self._context: ssl.SSLContext | None = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], environ: Mapping[str, str]
    ) -> Self:
        """Build from the [alerts.<name>] table; the password is read from ``environ``."""
        read = OptionReader(cls.kind, options)
        security = read.choice("security", tuple(DEFAULT_PORTS), "starttls")
        username = read.text("username")
        password = read.secret("password_env", environ) if username else None
        if username and security == "none":
            raise AlertConfigError(
                "email channel: option 'username' needs security 'starttls' or 'tls'; "
                "with 'none' the password would cross the network unencrypted"
            )
        settings = SmtpSettings(
            host=read.required_text("host"),
            port=read.port("port", DEFAULT_PORTS[security]),
            security=security,
            sender=read.required_text("from"),
            recipients=read.text_list("to"),
            timeout_s=read.number("timeout_s", 30.0),
            username=username,
            password=password,
            subject_prefix=read.text("subject_prefix", "[defwatch]") or "",
            ca_file=read.text("ca_file"),
        )
        _check_addresses(settings)
        template_dir = read.text("template_dir")
        channel = cls(settings, Templates(cls.kind, template_dir))
        if template_dir is not None:
            channel.check_templates()
        return channel

    def check_templates(self) -> None:
        """Render every template once with a sample alert; AlertConfigError if one fails."""
        try:
            self._compose("email", self._single_context(SAMPLE_ALERT), "template-check")
            self._compose(
                "digest", self._digest_context([SAMPLE_ALERT]), "template-check"
            )
        except AlertDeliveryError as error:
            raise AlertConfigError(f"{error} (option 'template_dir')") from None

    def __repr__(self) -> str:
        s = self._settings
        return (
            f"EmailChannel(host={s.host!r}, port={s.port}, to={list(s.recipients)!r})"
        )

    def send(self, alert: ChangeAlert, *, idempotency_key: str) -> None:
        """Send one alert as a mail in its article's thread."""
        message = self._compose("email", self._single_context(alert), idempotency_key)
        root = thread_root_id(alert.article_key or alert.url, self._settings.domain)
        message["In-Reply-To"] = root
        message["References"] = root
        message["X-Defwatch-Change-Id"] = str(alert.change_id)
        self._deliver(message)

    def send_digest(
        self, alerts: Sequence[ChangeAlert], *, idempotency_key: str
    ) -> None:
        """Send one mail listing every change; nothing is sent for an empty list."""
        if alerts:
            self._deliver(
                self._compose("digest", self._digest_context(alerts), idempotency_key)
            )

    def _single_context(self, alert: ChangeAlert) -> dict[str, object]:
        return {
            "item": item_context(
                alert, max_lines=MAX_DIFF_LINES, max_chars=MAX_DIFF_CHARS
            ),
            "subject_prefix": self._settings.subject_prefix,
        }

    def _digest_context(self, alerts: Sequence[ChangeAlert]) -> dict[str, object]:
        return {
            "items": digest_context(
                alerts, max_lines=MAX_DIGEST_DIFF_LINES, max_chars=MAX_DIGEST_DIFF_CHARS
            ),
            "headline": digest_headline(alerts),
            "subject_prefix": self._settings.subject_prefix,
        }

    def _compose(
        self, prefix: str, context: Mapping[str, object], idempotency_key: str
    ) -> EmailMessage:
        """A multipart/alternative mail from the ``<prefix>_*`` templates."""
        render = self._templates.render
        subject = one_line(render(f"{prefix}_subject.txt.j2", context))
        message = EmailMessage()
        message["Subject"] = shorten(subject, MAX_SUBJECT_CHARS)
        message["From"] = self._settings.sender
        message["To"] = ", ".join(self._settings.recipients)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(idempotency_key, self._settings.domain)
        # RFC 3834: tells autoresponders (vacation replies) not to answer.
        message["Auto-Submitted"] = "auto-generated"
        # quoted-printable keeps the bodies readable in raw form (mostly ASCII news text)
        text = strip_control(render(f"{prefix}_body.txt.j2", context))
        message.set_content(text, cte="quoted-printable")
        html = render(f"{prefix}_body.html.j2", context)
        message.add_alternative(html, subtype="html", cte="quoted-printable")
        return message

    def _deliver(self, message: EmailMessage) -> None:
        """Hand the mail to the server; failures become AlertDeliveryError."""
        s = self._settings
        try:
            with self._connect() as client:
                if s.username is not None and s.password is not None:
                    client.login(s.username, s.password)
                refused = client.send_message(message, *s.envelope())
        except (smtplib.SMTPException, OSError) as error:
            raise smtp_delivery_error(error, s) from None
        if refused:
            # Some recipients took it: a retry would mail them twice, so report and carry on.
            logger.warning(
                "email channel: %s refused for %s",
                message["Message-ID"],
                ", ".join(refused),
            )
        logger.info(
            "email channel: sent %s via %s:%d to %d recipient(s)",
            message["Message-ID"],
            s.host,
            s.port,
            len(s.recipients) - len(refused),
        )

    def _tls_context(self) -> ssl.SSLContext:
        """The TLS settings (system CAs plus ca_file), built on first use and then reused."""
        if self._context is None:
            self._context = ssl.create_default_context(cafile=self._settings.ca_file)
        return self._context

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        if s.security == "none":
            return smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        context = self._tls_context()
        if s.security == "tls":
            return smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout_s, context=context
            )
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        try:
            client.starttls(context=context)
        except BaseException:
            client.close()
            raise
        return client


def _check_addresses(settings: SmtpSettings) -> None:
    """AlertConfigError unless 'from' and every 'to' hold an address ("Name <a@b>" is fine)."""
    checks = [("from", settings.sender)] + [("to", to) for to in settings.recipients]
    for key, value in checks:
        if "@" not in parseaddr(value)[1]:
            raise AlertConfigError(
                f"email channel: option {key!r}: {value!r} is not an email address"
            )


def _server_reply(code: int, reply: bytes | str, secret: str | None) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    if secret:
        text = text.replace(secret, "***")
    return f"{code} {one_line(text)}"


def _is_transient(code: int) -> bool:
    """SMTP 4xx replies are temporary (try later); 5xx are permanent; odd codes count as temporary."""
    return not 500 <= code <= 599


def smtp_delivery_error(error: Exception, settings: SmtpSettings) -> AlertDeliveryError:
    """Classify an smtplib/socket failure: retryable unless retrying cannot help."""
    where = f"{settings.host}:{settings.port}"
    secret = settings.password
    if isinstance(error, smtplib.SMTPAuthenticationError):
        reply = _server_reply(error.smtp_code, error.smtp_error, secret)
        return AlertDeliveryError(
            "email",
            f"{where} refused the login of {settings.username!r} ({reply}); check the "
            "username and the password environment variable",
            retryable=400 <= error.smtp_code <= 499,  # 454: temporary auth failure
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = {
            rcpt: _server_reply(code, reply, secret)
            for rcpt, (code, reply) in error.recipients.items()
        }
        return AlertDeliveryError(
            "email",
            f"{where} refused every recipient: {replies}",
            retryable=any(_is_transient(code) for code, _ in error.recipients.values()),
        )
    if isinstance(error, smtplib.SMTPResponseException):
        reply = _server_reply(error.smtp_code, error.smtp_error, secret)
        return AlertDeliveryError(
            "email",
            f"{where} answered {reply}",
            retryable=_is_transient(error.smtp_code),
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return AlertDeliveryError(
            "email",
            f"{where} does not support what the options ask for ({error}); check 'security'",
            retryable=False,
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return AlertDeliveryError(
            "email",
            f"{where} TLS certificate not trusted ({error.verify_message}); set 'ca_file' or "
            "fix the server certificate",
            retryable=False,
        )
    if isinstance(error, TimeoutError):
        return AlertDeliveryError(
            "email", f"{where} timed out after {settings.timeout_s:g} s", retryable=True
        )
    return AlertDeliveryError(
        "email", f"{where} unreachable: {type(error).__name__}: {error}", retryable=True
    )
