"""A sender killed in the middle of a delivery loses nothing: the restart sends every alert, and
the one alert that may arrive twice carries the same idempotency key both times."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from outbox_kit import AFTER, BEFORE, REPO_ROOT, HttpReceiver, Store, wait_until

from monitor.config import load_config

CONFIG = """
[[alerts.channels]]
name = "hook"
kind = "webhook"
url_env = "DEFWATCH_TEST_HOOK_URL"
timeout_s = 60
"""


def _send_command(store: Store, config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "monitor",
        "--db",
        store.url,
        "--config",
        str(config),
        "alerts",
        "send",
    ]


@pytest.mark.slow
def test_sender_killed_mid_delivery_then_restarted_delivers_every_alert(
    store: Store, receiver: HttpReceiver, tmp_path: Path
) -> None:
    config_path = tmp_path / "defwatch.toml"
    config_path.write_text(CONFIG, "utf-8")
    changes = [
        store.record_edit(
            load_config(config_path), f"s{i}", f"Story {i}", BEFORE, AFTER
        )
        for i in range(3)
    ]
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "DEFWATCH_TEST_HOOK_URL": receiver.url("/hook"),
    }
    receiver.hold()  # the receiver takes the first POST and does not answer

    sender = subprocess.Popen(
        _send_command(store, config_path),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(lambda: len(receiver.requests) == 1, timeout_s=60)
    finally:
        sender.kill()  # SIGKILL mid-send: no cleanup, no commit of the outcome
        sender.communicate(timeout=30)
    assert [d.status for d in store.deliveries()] == ["sending", "pending", "pending"]

    receiver.release()  # healthy again
    restart = subprocess.run(
        _send_command(store, config_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert restart.returncode == 0, restart.stderr
    assert restart.stdout.strip() == "sent 3, retrying later 0, failed 0"
    received = [
        (r.body["change"]["change_id"], r.headers["idempotency-key"])
        for r in receiver.requests
    ]
    # observed: 4 POSTs; the change in flight at the kill arrives twice, under one key
    assert sorted({change for change, _ in received}) == sorted(changes)
    assert len(received) == 4 and received[0] == received[1]
    keys_by_change = {
        change: {k for c, k in received if c == change} for change in changes
    }
    assert all(len(keys) == 1 for keys in keys_by_change.values())
    assert {d.status for d in store.deliveries()} == {"sent"}
    assert [d.attempts for d in store.deliveries()] == [2, 1, 1]
