"""``defwatch alerts list | pending | retry | send | test`` as a user runs them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from outbox_kit import AFTER, BEFORE, HttpReceiver, Reply, Store

from monitor.cli import main
from monitor.config import AppConfig, load_config
from monitor.notify import channel_factory, send_pending

SECRET_PATH = "/hooks/T0KEN-s3cr3t-4c7d9e"

CONFIG = """
[alerts]
max_attempts = 2

[[alerts.channels]]
name = "hook"
kind = "webhook"
url_env = "DEFWATCH_TEST_HOOK_URL"
keywords = ["frigate"]
"""


class Cli:
    """Runs ``defwatch`` in this process against one store and config, like a user would."""

    def __init__(
        self, store: Store, config_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.store = store
        self.config_path = config_path
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        argv = ["--db", self.store.url, "--config", str(self.config_path), *args]
        try:
            main(argv)
            code = 0
        except SystemExit as exit:
            code = int(exit.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def hook_url(receiver: HttpReceiver, monkeypatch: pytest.MonkeyPatch) -> str:
    url = receiver.url(SECRET_PATH)
    monkeypatch.setenv("DEFWATCH_TEST_HOOK_URL", url)
    return url


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "defwatch.toml"
    path.write_text(CONFIG, "utf-8")
    return path


@pytest.fixture
def cli(
    store: Store, config_path: Path, capsys: pytest.CaptureFixture[str], hook_url: str
) -> Cli:
    return Cli(store, config_path, capsys)


def _sweep(store: Store, config: AppConfig, url: str, later: timedelta) -> None:
    environ = {"DEFWATCH_TEST_HOOK_URL": url}
    send_pending(
        store.factory, config, channel_factory(environ), datetime.now(UTC) + later
    )


def test_failed_after_max_attempts_is_listed_then_retry_resends_it(
    cli: Cli, store: Store, config_path: Path, receiver: HttpReceiver, hook_url: str
) -> None:
    config = load_config(config_path)
    change = store.record_edit(config, "frigate", "Frigate delayed", BEFORE, AFTER)
    receiver.plan += [Reply(500, body="down"), Reply(502, body="still down")]
    _sweep(store, config, hook_url, timedelta(0))
    _sweep(store, config, hook_url, timedelta(minutes=5))  # attempt 2 of 2

    code, out, _ = cli("alerts", "pending")
    assert code == 0
    assert "0 pending, 0 sending, 1 failed" in out
    assert "failed" in out and "HTTP 502" in out and "Frigate delayed" in out

    code, out, _ = cli("alerts", "retry", "--all-failed")
    assert (code, out.strip().split(";")[0]) == (0, "re-queued 1 failed alert(s)")
    code, out, _ = cli("alerts", "send")

    assert (code, out.strip()) == (0, "sent 1, retrying later 0, failed 0")
    assert [r.body["change"]["change_id"] for r in receiver.requests] == [change] * 3
    assert cli("alerts", "pending")[1].startswith("0 pending, 0 sending, 0 failed")


def test_retry_by_id_refuses_a_delivery_that_has_not_failed(
    cli: Cli, store: Store, config_path: Path
) -> None:
    store.record_edit(load_config(config_path), "frigate", "Frigate", BEFORE, AFTER)
    (delivery,) = store.deliveries()

    code, _, err = cli("alerts", "retry", "--id", str(delivery.id))

    assert code == 1 and f"delivery {delivery.id} is pending, not failed" in err
    assert cli("alerts", "retry")[0] == 2  # neither --id nor --all-failed


def test_send_exits_1_when_an_alert_failed_for_good(
    cli: Cli, store: Store, config_path: Path, receiver: HttpReceiver
) -> None:
    store.record_edit(load_config(config_path), "frigate", "Frigate", BEFORE, AFTER)
    receiver.plan.append(Reply(404, body="no such hook"))

    code, out, err = cli("alerts", "send")

    assert code == 1 and "failed 1" in out and "alerts pending" in err


def test_secret_webhook_url_never_reaches_logs_errors_or_output(
    cli: Cli,
    store: Store,
    config_path: Path,
    receiver: HttpReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # httpx logs each request's URL
    store.record_edit(load_config(config_path), "frigate", "Frigate", BEFORE, AFTER)
    # a receiver that echoes the secret path back in its error body
    receiver.plan.append(Reply(500, body=f"no route for POST {SECRET_PATH}"))

    outputs = [
        cli("-vv", "alerts", "send"),
        cli("alerts", "pending"),
        cli("alerts", "pending", "--json"),
    ]
    receiver.plan.append(Reply(400, body=f"bad hook {SECRET_PATH}"))
    outputs.append(cli("alerts", "test", "hook"))

    assert len(receiver.requests) == 2
    (delivery,) = store.deliveries()
    texts = [caplog.text, delivery.last_error or ""]
    texts += [out + err for _, out, err in outputs]
    assert "HTTP 500" in delivery.last_error  # type: ignore[operator]
    assert "HTTP Request: POST <webhook URL" in caplog.text  # logged, redacted
    for text in texts:
        assert "T0KEN-s3cr3t" not in text


def test_list_prints_every_kind_with_its_manual_and_the_configured_channels(
    cli: Cli,
) -> None:
    code, out, _ = cli("alerts", "list")

    assert code == 0
    for kind in ("console", "email", "slack", "webhook"):
        assert f"== {kind}" in out
    assert "password_env" in out  # the email manual lists its options
    assert "hook" in out and "frigate" in out and "url_env" in out
    assert "T0KEN" not in out


def test_test_command_reports_success_and_failure_in_one_line(
    cli: Cli, receiver: HttpReceiver
) -> None:
    code, out, _ = cli("alerts", "test", "hook")
    assert (code, out.strip()) == (0, "ok: test alert sent through hook (webhook)")
    assert receiver.requests[0].body["change"]["source"] == "defwatch-test"

    receiver.plan.append(Reply(403, body="forbidden"))
    code, out, err = cli("alerts", "test", "hook")
    assert code == 1 and out == ""
    assert err.startswith("failed: hook (webhook): ") and "HTTP 403" in err
    assert len(err.strip().splitlines()) == 1

    code, _, err = cli("alerts", "test", "pager")
    assert code == 2 and "no channel named 'pager' (configured: hook)" in err


def test_test_command_names_a_missing_secret_variable(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEFWATCH_TEST_HOOK_URL")

    code, _, err = cli("alerts", "test", "hook")

    assert code == 1 and "DEFWATCH_TEST_HOOK_URL" in err and "not set" in err
