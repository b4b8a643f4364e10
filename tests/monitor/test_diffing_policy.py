"""Per-source alert thresholds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from monitor.diffing import (
    AlertPolicy,
    ArticleContent,
    ChangeReport,
    diff_contents,
    should_alert,
)


def _edit(article: ArticleContent, old: str, new: str) -> ChangeReport:
    body = tuple(p.replace(old, new) for p in article.body)
    assert body != article.body
    return diff_contents(article, replace(article, body=body))


def test_default_policy_alerts_on_any_text_change(kharkiv: ArticleContent) -> None:
    policy = AlertPolicy()
    assert should_alert(_edit(kharkiv, "denied", "rejected"), policy)
    assert not should_alert(diff_contents(kharkiv, kharkiv), policy)


def test_metadata_only_alerts_only_when_asked(kharkiv: ArticleContent) -> None:
    report = diff_contents(
        kharkiv, replace(kharkiv, modified_at="2024-05-15T00:00:00Z")
    )
    assert not should_alert(report, AlertPolicy())
    assert should_alert(report, AlertPolicy(alert_on_metadata_only=True))


def test_min_words_ignores_small_edits(kharkiv: ArticleContent) -> None:
    policy = AlertPolicy(mode="min_words", min_words=5)
    assert not should_alert(
        _edit(kharkiv, "denied", "rejected"), policy
    )  # 2 words changed
    big = _edit(
        kharkiv, "denied targeting civilians", "said it never targets civilian areas"
    )
    assert big.words_added + big.words_removed >= 5
    assert should_alert(big, policy)


def test_headline_only(kharkiv: ArticleContent) -> None:
    policy = AlertPolicy(mode="headline_only")
    assert not should_alert(_edit(kharkiv, "killed 300", "killed 350"), policy)
    retitled = diff_contents(
        kharkiv, replace(kharkiv, title="Kharkiv death toll rises")
    )
    assert should_alert(retitled, policy)


def test_min_significance_lets_numbers_through_but_not_wording(
    kharkiv: ArticleContent,
) -> None:
    policy = AlertPolicy(min_significance=0.3)
    assert should_alert(_edit(kharkiv, "killed 300", "killed 350"), policy)
    assert not should_alert(_edit(kharkiv, "overnight", "during the night"), policy)


def test_from_dict_builds_a_policy() -> None:
    policy = AlertPolicy.from_dict(
        {"mode": "min_words", "min_words": 12, "min_significance": 0.25}
    )
    assert policy == AlertPolicy(mode="min_words", min_words=12, min_significance=0.25)
    assert AlertPolicy.from_dict({}) == AlertPolicy()


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"mode": "sometimes"}, "mode"),
        ({"mode": 3}, "mode"),
        ({"min_words": "12"}, "min_words"),
        ({"min_words": True}, "min_words"),
        ({"min_words": -1}, "min_words"),
        ({"min_significance": 1.5}, "min_significance"),
        ({"min_significance": "high"}, "min_significance"),
        ({"alert_on_metadata_only": "yes"}, "alert_on_metadata_only"),
        ({"min_word": 12}, "min_word"),
    ],
)
def test_from_dict_names_the_bad_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match=f"^{key}:"):
        AlertPolicy.from_dict(data)
