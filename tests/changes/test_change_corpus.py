"""Noise never alerts; every real edit is detected and classified (real crawler, loopback site)."""

from __future__ import annotations

import pytest

from tests.changes.harness import run_corpus, table

pytestmark = pytest.mark.slow


def test_noise_gives_no_alert_and_every_edit_is_detected_and_classified(tmp_path):
    outcomes = run_corpus(tmp_path)
    wrong = [
        f"{o.case.name}: alerted={o.alerted} kinds={o.kinds} versions={o.versions}"
        for o in outcomes
        if not o.correct
    ]
    assert not wrong, table(outcomes) + "\n\n" + "\n".join(wrong)
    noise = [o for o in outcomes if o.case.expected_kind is None]
    assert len(noise) >= 60 and not any(o.alerted for o in noise)
