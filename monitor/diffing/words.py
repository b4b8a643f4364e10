"""Word-level diff of one paragraph (or a headline) against its edited version."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

from monitor.diffing.normalise import word_key

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


def tokens(text: str) -> list[str]:
    """The words of ``text``, dropping tokens that normalise to nothing (stray invisibles)."""
    return [t for t in text.split() if word_key(t)]


def word_ops(old: str, new: str) -> tuple[WordOp, ...]:
    """Words kept, deleted and inserted from ``old`` to ``new`` (a replace is delete then insert)."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(
        a=[word_key(t) for t in old_tokens],
        b=[word_key(t) for t in new_tokens],
        autojunk=False,
    )
    ops: list[WordOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_run, new_run = " ".join(old_tokens[i1:i2]), " ".join(new_tokens[j1:j2])
        if tag == "equal":
            ops.append(WordOp("equal", old_run, new_run))
            continue
        if old_run:
            ops.append(WordOp("delete", old=old_run))
        if new_run:
            ops.append(WordOp("insert", new=new_run))
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
