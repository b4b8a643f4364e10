"""The email channel against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alerts import AlertConfigError, AlertDeliveryError, ChangeAlert, build_channel

Factory = Callable[..., ChangeAlert]


def _parts(message: Any) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def test_one_alert_arrives_with_subject_headers_and_diff_in_both_parts(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    channel = make_channel("email", smtp_server.options(), {})
    channel.send(alert_factory(), idempotency_key="change-17:email")

    [message] = smtp_server.inbox.messages
    assert (
        message["Subject"]
        == "[defwatch] Edited: Navy orders four frigates – headline changed; 1 paragraph edited"
    )
    assert message["From"] == "defwatch@watch.example"
    assert message["To"] == "analyst@watch.example, desk@watch.example"
    assert smtp_server.inbox.envelopes == [
        ("defwatch@watch.example", ["analyst@watch.example", "desk@watch.example"])
    ]
    assert message["Message-ID"].endswith("@watch.example>")
    assert message["In-Reply-To"] == message["References"]
    assert message.get_content_type() == "multipart/alternative"
    text, html = _parts(message)
    assert "+The contract is worth €1.5bn." in text
    assert "-The contract is worth €1.2bn." in text
    assert "https://news.example/articles/frigate-order" in text
    assert "+The contract is worth €1.5bn." in html
    assert 'href="https://defwatch.example/changes/17"' in html


def test_monitor_highlighted_diff_html_is_used_in_the_html_part(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    channel = make_channel("email", smtp_server.options(), {})
    alert = alert_factory(diff_html="<p>worth <del>€1.2bn</del><ins>€1.5bn</ins></p>")
    channel.send(alert, idempotency_key="k")

    text, html = _parts(smtp_server.inbox.messages[0])
    assert "<del>€1.2bn</del><ins>€1.5bn</ins>" in html
    assert "+The contract is worth €1.5bn." in text


def test_updates_of_one_article_share_a_thread_and_a_resend_keeps_its_message_id(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    channel = make_channel("email", smtp_server.options(), {})
    channel.send(alert_factory(change_id=17), idempotency_key="change-17:email")
    channel.send(
        alert_factory(change_id=18, to_version=3), idempotency_key="change-18:email"
    )
    channel.send(
        alert_factory(change_id=17), idempotency_key="change-17:email"
    )  # resend after a crash
    other = alert_factory(
        change_id=30, article_key="defense-news:other", url="https://news.example/other"
    )
    channel.send(other, idempotency_key="change-30:email")

    first, second, resent, unrelated = smtp_server.inbox.messages
    assert first["Message-ID"] != second["Message-ID"]
    assert (
        second["In-Reply-To"]
        == first["In-Reply-To"]
        == second["References"]
        == first["References"]
    )
    assert resent["Message-ID"] == first["Message-ID"]
    assert unrelated["In-Reply-To"] != first["In-Reply-To"]


def test_digest_is_one_mail_listing_every_change(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    channel = make_channel("email", smtp_server.options(), {})
    alerts = [
        alert_factory(change_id=1, title="First article"),
        alert_factory(
            change_id=2,
            title="Second article",
            kind="removed",
            summary="article removed",
        ),
        alert_factory(change_id=3, title="Third article"),
    ]
    channel.send_digest(alerts, idempotency_key="digest-2026-11-28")

    [message] = smtp_server.inbox.messages
    assert message["Subject"] == "[defwatch] 3 changes: 2 edited, 1 removed"
    text, html = _parts(message)
    for title in ("First article", "Second article", "Third article"):
        assert title in text
        assert title in html


def test_starttls_with_login_delivers(
    make_channel: Any, smtp_starttls_server: Any, alert_factory: Factory
) -> None:
    options = smtp_starttls_server.options(
        security="starttls",
        username="watcher",
        password_env="SMTP_PW",
        ca_file=str(smtp_starttls_server.ca_file),
    )
    channel = make_channel("email", options, {"SMTP_PW": "s3cret-Pa55word-XYZ"})
    channel.send(alert_factory(), idempotency_key="k")
    assert len(smtp_starttls_server.inbox.messages) == 1


def test_implicit_tls_delivers(
    make_channel: Any, smtp_implicit_tls_server: Any, alert_factory: Factory
) -> None:
    options = smtp_implicit_tls_server.options(
        security="tls", ca_file=str(smtp_implicit_tls_server.ca_file)
    )
    make_channel("email", options, {}).send(alert_factory(), idempotency_key="k")
    assert len(smtp_implicit_tls_server.inbox.messages) == 1


def test_wrong_password_is_permanent_and_never_shows_the_password(
    make_channel: Any,
    smtp_starttls_server: Any,
    alert_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "wr0ng-Pa55word-QQQ"
    options = smtp_starttls_server.options(
        security="starttls",
        username="watcher",
        password_env="SMTP_PW",
        ca_file=str(smtp_starttls_server.ca_file),
    )
    channel = make_channel("email", options, {"SMTP_PW": wrong})
    with pytest.raises(AlertDeliveryError) as caught:
        channel.send(alert_factory(), idempotency_key="k")

    assert caught.value.retryable is False
    assert "watcher" in str(caught.value)
    assert wrong not in str(caught.value)
    assert wrong not in repr(channel)
    assert wrong not in caplog.text
    assert smtp_starttls_server.inbox.messages == []


def test_untrusted_certificate_is_a_permanent_error(
    make_channel: Any, smtp_starttls_server: Any, alert_factory: Factory
) -> None:
    options = smtp_starttls_server.options(
        security="starttls", username="watcher", password_env="SMTP_PW"
    )
    channel = make_channel("email", options, {"SMTP_PW": "s3cret-Pa55word-XYZ"})
    with pytest.raises(AlertDeliveryError) as caught:
        channel.send(alert_factory(), idempotency_key="k")
    assert caught.value.retryable is False
    assert "certificate" in str(caught.value)


def test_server_down_is_retryable(
    make_channel: Any, dead_port: int, alert_factory: Factory
) -> None:
    options = {
        "host": "127.0.0.1",
        "port": dead_port,
        "security": "none",
        "from": "a@b.example",
        "to": ["c@d.example"],
    }
    with pytest.raises(AlertDeliveryError) as caught:
        make_channel("email", options, {}).send(alert_factory(), idempotency_key="k")
    assert caught.value.retryable is True


def test_silent_server_times_out_as_retryable(
    make_channel: Any, silent_server: int, alert_factory: Factory
) -> None:
    options = {
        "host": "127.0.0.1",
        "port": silent_server,
        "security": "none",
        "from": "a@b.example",
        "to": ["c@d.example"],
        "timeout_s": 0.3,
    }
    with pytest.raises(AlertDeliveryError) as caught:
        make_channel("email", options, {}).send(alert_factory(), idempotency_key="k")
    assert caught.value.retryable is True
    assert "timed out" in str(caught.value)


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [
        ("451 4.3.0 try again later", True),
        ("421 4.7.0 too busy", True),
        ("554 5.7.1 rejected as spam", False),
    ],
)
def test_smtp_reply_codes_decide_retry(
    make_channel: Any,
    smtp_server: Any,
    alert_factory: Factory,
    reply: str,
    retryable: bool,
) -> None:
    smtp_server.inbox.reply = reply
    with pytest.raises(AlertDeliveryError) as caught:
        make_channel("email", smtp_server.options(), {}).send(
            alert_factory(), idempotency_key="k"
        )
    assert caught.value.retryable is retryable
    assert reply.split()[0] in str(caught.value)


def test_partly_refused_recipients_still_count_as_delivered(
    make_channel: Any,
    smtp_server: Any,
    alert_factory: Factory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    smtp_server.inbox.refuse = {"desk@watch.example": "550 5.1.1 no such user"}
    make_channel("email", smtp_server.options(), {}).send(
        alert_factory(), idempotency_key="k"
    )
    assert smtp_server.inbox.envelopes[0][1] == ["analyst@watch.example"]
    assert "refused for desk@watch.example" in caplog.text


@pytest.mark.parametrize(
    ("reply", "retryable"),
    [("450 4.2.1 mailbox busy", True), ("550 5.1.1 no such user", False)],
)
def test_all_recipients_refused_is_classified_by_code(
    make_channel: Any,
    smtp_server: Any,
    alert_factory: Factory,
    reply: str,
    retryable: bool,
) -> None:
    smtp_server.inbox.refuse = {
        "analyst@watch.example": reply,
        "desk@watch.example": reply,
    }
    with pytest.raises(AlertDeliveryError) as caught:
        make_channel("email", smtp_server.options(), {}).send(
            alert_factory(), idempotency_key="k"
        )
    assert caught.value.retryable is retryable
    assert smtp_server.inbox.messages == []


def test_hostile_article_text_renders_literally(
    make_channel: Any, smtp_server: Any, alert_factory: Factory, evil: str
) -> None:
    alert = alert_factory(
        title=evil, diff_text=f"@@ -1 +1 @@\n-old\n+{evil}\n", summary=evil
    )
    make_channel("email", smtp_server.options(), {}).send(alert, idempotency_key="k")

    [message] = smtp_server.inbox.messages
    text, html = _parts(message)
    assert "<script>alert(1)</script> {{ 7*7 }}" in message["Subject"]
    assert f"+{evil}" in text
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html
    assert (
        html.count("{{ 7*7 }}") >= 3
    )  # headline, summary, diff (none evaluated to 49)
    assert text.count("{{ 7*7 }}") >= 3


def test_newlines_in_a_title_cannot_add_headers(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    alert = alert_factory(title="Frigates\r\nBcc: victim@evil.example")
    make_channel("email", smtp_server.options(), {}).send(alert, idempotency_key="k")
    [message] = smtp_server.inbox.messages
    assert message["Bcc"] is None
    assert "Frigates Bcc: victim@evil.example" in message["Subject"]
    assert smtp_server.inbox.envelopes[0][1] == [
        "analyst@watch.example",
        "desk@watch.example",
    ]


def test_user_templates_override_the_shipped_ones(
    make_channel: Any, smtp_server: Any, alert_factory: Factory, tmp_path: Path
) -> None:
    (tmp_path / "email_subject.txt.j2").write_text(
        "ALERT {{ item.alert.source }}: {{ item.alert.title }}"
    )
    options = smtp_server.options(template_dir=str(tmp_path))
    make_channel("email", options, {}).send(
        alert_factory(title="{{ 7*7 }}"), idempotency_key="k"
    )
    [message] = smtp_server.inbox.messages
    assert message["Subject"] == "ALERT defense-news: {{ 7*7 }}"
    text, _ = _parts(message)
    assert "+The contract is worth €1.5bn." in text  # shipped body still used


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "email_subject.txt.j2",
        ),  # sandbox
        (
            "{{ item.alert.no_such_field }}",
            "no_such_field",
        ),  # caught at startup, not first change
    ],
)
def test_user_template_that_cannot_render_is_a_config_error(
    smtp_server: Any, tmp_path: Path, template: str, expected: str
) -> None:
    (tmp_path / "email_subject.txt.j2").write_text(template)
    with pytest.raises(AlertConfigError) as caught:
        build_channel("email", smtp_server.options(template_dir=str(tmp_path)), {})
    assert expected in str(caught.value)
    assert "template_dir" in str(caught.value)


def test_broken_user_template_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "email_body.html.j2").write_text("{% for x in %}")
    options = {
        "host": "h",
        "from": "a@b.example",
        "to": ["c@d.example"],
        "template_dir": str(tmp_path),
    }
    with pytest.raises(AlertConfigError, match=r"email_body\.html\.j2 line 1"):
        build_channel("email", options, {})


BASE = {"host": "h", "from": "a@b.example", "to": ["c@d.example"]}


@pytest.mark.parametrize(
    ("options", "environ", "expected"),
    [
        ({**BASE, "host": None}, {}, "'host' is required"),
        ({**BASE, "to": []}, {}, "'to' is required"),
        ({**BASE, "to": ["c@d.example", "desk"]}, {}, "'to': 'desk' is not an email"),
        ({**BASE, "from": "defwatch"}, {}, "'from': 'defwatch' is not an email"),
        ({**BASE, "security": "ssl"}, {}, "'security' must be one of"),
        ({**BASE, "port": 70000}, {}, "'port'"),
        ({**BASE, "timeout_s": 0}, {}, "'timeout_s' must be greater than 0"),
        (
            {**BASE, "username": "u", "password_env": "PW"},
            {},
            "PW (named by option 'password_env')",
        ),
        ({**BASE, "username": "u"}, {}, "option 'password_env' is required"),
        (
            {**BASE, "username": "u", "password_env": "PW", "security": "none"},
            {"PW": "x"},
            "unencrypted",
        ),
        (
            {**BASE, "template_dir": "/nonexistent/t"},
            {},
            "'template_dir' is not a directory",
        ),
    ],
)
def test_bad_options_name_the_option(
    options: dict[str, object], environ: dict[str, str], expected: str
) -> None:
    with pytest.raises(AlertConfigError) as caught:
        build_channel("email", options, environ)
    assert expected in str(caught.value)


def test_non_http_article_url_is_not_a_link(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    alert = alert_factory(url="javascript:alert(1)", diff_url="data:text/html,<b>x</b>")
    make_channel("email", smtp_server.options(), {}).send(alert, idempotency_key="k")
    _, html = _parts(smtp_server.inbox.messages[0])
    assert 'href="#"' in html
    assert 'href="javascript' not in html
    assert 'href="data:' not in html


def test_display_names_stay_in_headers_and_bare_addresses_go_to_the_envelope(
    make_channel: Any, smtp_server: Any, alert_factory: Factory
) -> None:
    options = smtp_server.options(
        **{
            "from": "defwatch <alerts@watch.example>",
            "to": ["Desk <desk@watch.example>"],
        }
    )
    make_channel("email", options, {}).send(alert_factory(), idempotency_key="k")
    [message] = smtp_server.inbox.messages
    assert message["From"] == "defwatch <alerts@watch.example>"
    assert message["To"] == "Desk <desk@watch.example>"
    assert message["Message-ID"].endswith("@watch.example>")
    assert smtp_server.inbox.envelopes == [
        ("alerts@watch.example", ["desk@watch.example"])
    ]
