"""Word-level diff of one paragraph (or a headline) against its edited version."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from monitor.diffing.normalise import is_plain, word_key

WordTag = Literal["equal", "delete", "insert"]


@dataclass(frozen=True, slots=True)
class WordOp:
    """A run of words: kept (``equal``: both sides), deleted (``old`` only) or inserted (``new`` only).

    ``old`` and ``new`` are the run's words as each version wrote them, joined by single spaces;
    for ``equal`` they read the same once normalised (they may differ in quote style).
    """

    tag: WordTag
    old: str = ""
    new: str = ""


def _keyed(text: str) -> tuple[list[str], list[str]]:
    """(words, their comparison keys), dropping words that normalise to nothing."""
    if is_plain(
        text
    ):  # every word is its own key (most news text): skip the per-word work
        plain = text.split()
        return plain, plain
    words: list[str] = []
    keys: list[str] = []
    for token in text.split():
        key = word_key(token)
        if key:
            words.append(token)
            keys.append(key)
    return words, keys


def tokens(text: str) -> list[str]:
    """The words of ``text``, dropping tokens that normalise to nothing (stray invisibles)."""
    return _keyed(text)[0]


# Past this many words (both sides together) the changed middle of a paragraph is first
# matched sentence by sentence, then word by word inside changed sentences: word-level
# matching of very long paragraphs (badly split pages) is slow, sentences are few.
SENTENCE_LEVEL_WORDS = 400
# A changed run this long is shown as deleted + inserted without a word-level diff.
MAX_WORD_LEVEL_WORDS = 2000
_SENTENCE_END = (".", "!", "?", '."', '?"', '!"', ".'", ".)")

Opcode = tuple[str, int, int, int, int]


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix."""
    limit = min(len(a), len(b))
    prefix = 0
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _word_level(a: list[str], b: list[str], span: Opcode) -> list[Opcode]:
    _, a0, a1, b0, b1 = span
    if a0 == a1 or b0 == b1 or (a1 - a0) + (b1 - b0) > MAX_WORD_LEVEL_WORDS:
        return [("replace", a0, a1, b0, b1)]
    matcher = difflib.SequenceMatcher(a=a[a0:a1], b=b[b0:b1], autojunk=False)
    return [
        (t, a0 + i1, a0 + i2, b0 + j1, b0 + j2)
        for t, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


def _sentences(keys: list[str], start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    first = start
    for i in range(start, end):
        if keys[i].endswith(_SENTENCE_END):
            spans.append((first, i + 1))
            first = i + 1
    if first < end:
        spans.append((first, end))
    return spans


def _token_range(
    spans: list[tuple[int, int]], i1: int, i2: int, end: int
) -> tuple[int, int]:
    if i1 == i2:
        at = spans[i1][0] if i1 < len(spans) else end
        return at, at
    return spans[i1][0], spans[i2 - 1][1]


def _by_sentence(a: list[str], b: list[str], span: Opcode) -> list[Opcode]:
    _, a0, a1, b0, b1 = span
    sa, sb = _sentences(a, a0, a1), _sentences(b, b0, b1)
    if len(sa) <= 1 and len(sb) <= 1:
        return _word_level(a, b, span)
    matcher = difflib.SequenceMatcher(
        a=[" ".join(a[s:e]) for s, e in sa],
        b=[" ".join(b[s:e]) for s, e in sb],
        autojunk=False,
    )
    out: list[Opcode] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        (x0, x1), (y0, y1) = _token_range(sa, i1, i2, a1), _token_range(sb, j1, j2, b1)
        if tag == "replace":
            out += _word_level(a, b, (tag, x0, x1, y0, y1))
        else:
            out.append((tag, x0, x1, y0, y1))
    return out


def _opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """difflib-style opcodes over the word keys, fast for the usual small edit."""
    prefix, suffix = _common_ends(a, b)
    middle: Opcode = ("replace", prefix, len(a) - suffix, prefix, len(b) - suffix)
    ops: list[Opcode] = [("equal", 0, prefix, 0, prefix)]
    if (middle[2] - middle[1]) + (middle[4] - middle[3]) > SENTENCE_LEVEL_WORDS:
        ops += _by_sentence(a, b, middle)
    else:
        ops += _word_level(a, b, middle)
    ops.append(("equal", len(a) - suffix, len(a), len(b) - suffix, len(b)))
    return ops


def _append(ops: list[WordOp], tag: WordTag, old: str, new: str) -> None:
    if not old and not new:
        return
    if ops and ops[-1].tag == tag:
        last = ops.pop()
        old, new = (
            " ".join(filter(None, (last.old, old))),
            " ".join(filter(None, (last.new, new))),
        )
    ops.append(WordOp(tag, old, new))


def word_ops(old: str, new: str) -> tuple[WordOp, ...]:
    """Words kept, deleted and inserted from ``old`` to ``new`` (a replace is delete then insert)."""
    (old_tokens, old_keys), (new_tokens, new_keys) = _keyed(old), _keyed(new)
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in _opcodes(old_keys, new_keys):
        old_run, new_run = " ".join(old_tokens[i1:i2]), " ".join(new_tokens[j1:j2])
        if tag == "equal":
            _append(ops, "equal", old_run, new_run)
        else:
            _append(ops, "delete", old_run, "")
            _append(ops, "insert", "", new_run)
    return tuple(ops)


def old_side(ops: tuple[WordOp, ...]) -> str:
    """The old text the ops were computed from (words joined by single spaces)."""
    return " ".join(op.old for op in ops if op.tag != "insert" and op.old)


def new_side(ops: tuple[WordOp, ...]) -> str:
    """The new text the ops produce (words joined by single spaces)."""
    return " ".join(op.new for op in ops if op.tag != "delete" and op.new)


def changed_word_counts(ops: tuple[WordOp, ...]) -> tuple[int, int]:
    """(words added, words removed) by these ops."""
    added = sum(len(op.new.split()) for op in ops if op.tag == "insert")
    removed = sum(len(op.old.split()) for op in ops if op.tag == "delete")
    return added, removed


def similarity(ops: tuple[WordOp, ...]) -> float:
    """Share of words kept, 2*kept/(old words + new words), in [0, 1]."""
    kept = sum(len(op.new.split()) for op in ops if op.tag == "equal")
    added, removed = changed_word_counts(ops)
    total = 2 * kept + added + removed
    return 1.0 if total == 0 else round(2 * kept / total, 4)
