"""The safety net: tell a consent wall, paywall stub or error page from an article."""

from __future__ import annotations

from crawler.cleaning.rules import RuleSet

SHORT_BODY_WORDS = (
    150  # below this, a page matching a failure pattern is not taken as an article
)
MOST_REMOVED = (
    2 / 3
)  # line rules removing more than this share of the text look like a bad rule


def page_failure(
    rules: RuleSet, title: str, page_text: str, body_words: int
) -> str | None:
    """A short reason when a page with little body text is a wall, stub or error page."""
    if body_words >= SHORT_BODY_WORDS:
        return None
    for failure in rules.failures:
        subject = title if failure.where == "title" else page_text
        if any(pattern.search(subject) for pattern in failure.patterns):
            return failure.kind
    return None


def removal_failure(kept_chars: int, rule_removed_chars: int) -> str | None:
    """A reason when line rules would remove most of the article's text."""
    total = kept_chars + rule_removed_chars
    if rule_removed_chars > 300 and rule_removed_chars > total * MOST_REMOVED:
        return (
            f"cleaning would remove most of the article "
            f"({rule_removed_chars} of {total} characters matched boilerplate rules)"
        )
    return None
