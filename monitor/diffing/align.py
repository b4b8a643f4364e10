"""Align the paragraphs of two versions: kept, edited, added, removed and moved.

How paragraphs are paired, in order:

1. Paragraphs that read the same once normalised are paired first (in reading order when a
   text repeats). Empty paragraphs are ignored.
2. The rest are paired by word overlap (Dice coefficient of their word sets, at least
   ``EDIT_THRESHOLD``), best pairs first: such a pair is an *edited* paragraph. To stay fast on
   long articles at most ``PAIR_BUDGET`` pairs are scored; past that each new paragraph is only
   compared with the unpaired old paragraphs nearest to its relative position.
3. Moves are read off the pairing order: the heaviest (by word count) run of pairs whose old
   order matches the new order stays in place (a longest increasing subsequence); every other
   pair is *moved*. So the count of moved paragraphs is the fewest paragraphs that must be
   moved to restore the order: two paragraphs swapped count as **one** move (the shorter one
   moves; on a tie, the one that comes later in the new version).

The result is a list of ``ParagraphDiff`` rows in reading order of the new version, with removed
paragraphs placed where they stood: the side-by-side structure the web page renders, and a
patch ``apply_diff`` can apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from monitor.diffing.normalise import normalise_text
from monitor.diffing.words import WordOp, new_side, old_side, similarity, word_ops

ParagraphStatus = Literal["equal", "edited", "added", "removed"]

# A pair of paragraphs sharing at least this share of words is "the same paragraph, edited";
# below it, the old one was removed and the new one added (a rewrite reads as new text).
EDIT_THRESHOLD = 0.5
# Upper bound on paragraph pairs scored for fuzzy matching (keeps 200-paragraph rewrites fast).
PAIR_BUDGET = 4000
# Fewest candidates each unpaired new paragraph is compared with when the budget is tight.
MIN_CANDIDATES = 4


class PatchError(ValueError):
    """The diff does not fit the paragraphs it is applied to."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ParagraphDiff:
    """One row of the side-by-side view: an old paragraph, a new one, or a pair of them.

    ``old_index``/``new_index`` are 0-based positions in the versions' paragraph tuples (None on
    the side where the paragraph does not exist). ``words`` holds the word-level diff of an
    ``edited`` pair. ``moved`` marks a paired paragraph that changed position.
    """

    status: ParagraphStatus
    old_index: int | None = None
    new_index: int | None = None
    old_text: str = ""
    new_text: str = ""
    moved: bool = False
    similarity: float = 1.0
    words: tuple[WordOp, ...] = ()


@dataclass(frozen=True, slots=True)
class _Para:
    index: int
    key: str
    words: frozenset[str]
    weight: int


def _paras(keys: Sequence[str]) -> list[_Para]:
    out: list[_Para] = []
    for index, key in enumerate(keys):
        if key:
            words = key.casefold().split()
            out.append(_Para(index, key, frozenset(words), len(words) + 1))
    return out


def _exact_pairs(old: list[_Para], new: list[_Para]) -> dict[int, int]:
    """new index -> old index for paragraphs that read the same."""
    by_key: dict[str, list[int]] = {}
    for para in reversed(old):
        by_key.setdefault(para.key, []).append(para.index)
    pairs: dict[int, int] = {}
    for para in new:
        stack = by_key.get(para.key)
        if stack:
            pairs[para.index] = stack.pop()
    return pairs


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    if 2 * min(len(a), len(b)) < EDIT_THRESHOLD * (len(a) + len(b)):
        return 0.0  # too different in length to reach the threshold
    return 2 * len(a & b) / (len(a) + len(b))


def _candidates(
    old: list[_Para], new: list[_Para]
) -> list[tuple[float, int, _Para, _Para]]:
    """Scored (score, distance, old, new) pairs above the threshold, within the budget."""
    width = max(MIN_CANDIDATES, PAIR_BUDGET // max(1, len(new)))
    scored: list[tuple[float, int, _Para, _Para]] = []
    for rank, para in enumerate(new):
        centre = round(rank * len(old) / max(1, len(new)))
        start = max(0, min(centre - width // 2, len(old) - width))
        for cand_rank, cand in enumerate(old[start : start + width], start):
            score = _dice(cand.words, para.words)
            if score >= EDIT_THRESHOLD:
                scored.append((score, abs(cand_rank - centre), cand, para))
    scored.sort(key=lambda s: (-s[0], s[1], s[3].index, s[2].index))
    return scored


def _fuzzy_pairs(old: list[_Para], new: list[_Para]) -> dict[int, int]:
    """new index -> old index for unpaired paragraphs similar enough to be edits."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _score, _dist, cand, para in _candidates(old, new):
        if para.index not in pairs and cand.index not in used:
            pairs[para.index] = cand.index
            used.add(cand.index)
    return pairs


def _in_place(olds: Sequence[int], weights: Sequence[int]) -> set[int]:
    """Positions in ``olds`` of the heaviest strictly increasing subsequence (Fenwick tree)."""
    size = max(olds, default=0) + 1
    best_at = [0] * (size + 1)
    where = [-1] * (size + 1)
    total = [0] * len(olds)
    prev = [-1] * len(olds)
    for pos, (old, weight) in enumerate(zip(olds, weights, strict=True)):
        best, arg, i = 0, -1, old
        while i > 0:
            if best_at[i] > best:
                best, arg = best_at[i], where[i]
            i -= i & -i
        total[pos], prev[pos] = best + weight, arg
        i = old + 1
        while i <= size:
            if best_at[i] < total[pos]:
                best_at[i], where[i] = total[pos], pos
            i += i & -i
    keep: set[int] = set()
    pos = max(range(len(olds)), key=total.__getitem__, default=-1)
    while pos >= 0:
        keep.add(pos)
        pos = prev[pos]
    return keep


def _pair_row(
    old: _Para, new: _Para, texts: tuple[Sequence[str], Sequence[str]], moved: bool
) -> ParagraphDiff:
    old_i, new_i = old.index, new.index
    old_text, new_text = texts[0][old_i], texts[1][new_i]
    if old.key == new.key:
        return ParagraphDiff(
            status="equal",
            old_index=old_i,
            new_index=new_i,
            old_text=old_text,
            new_text=new_text,
            moved=moved,
        )
    ops = word_ops(old_text, new_text)
    return ParagraphDiff(
        status="edited",
        old_index=old_i,
        new_index=new_i,
        old_text=old_text,
        new_text=new_text,
        moved=moved,
        similarity=similarity(ops),
        words=ops,
    )


def _pairs(old: list[_Para], new: list[_Para]) -> dict[int, int]:
    pairs = _exact_pairs(old, new)
    paired_old = set(pairs.values())
    pairs.update(
        _fuzzy_pairs(
            [p for p in old if p.index not in paired_old],
            [p for p in new if p.index not in pairs],
        )
    )
    return pairs


def _moved(new: list[_Para], pairs: dict[int, int]) -> set[int]:
    """New indices of paired paragraphs that changed position."""
    order = [p for p in new if p.index in pairs]
    keep = _in_place([pairs[p.index] for p in order], [p.weight for p in order])
    return {p.index for pos, p in enumerate(order) if pos not in keep}


def _removed_row(old_texts: Sequence[str], index: int) -> ParagraphDiff:
    return ParagraphDiff(
        status="removed", old_index=index, old_text=old_texts[index], similarity=0.0
    )


def _added_row(new_texts: Sequence[str], index: int) -> ParagraphDiff:
    return ParagraphDiff(
        status="added", new_index=index, new_text=new_texts[index], similarity=0.0
    )


def _anchors(
    new: list[_Para], pairs: dict[int, int], moved: set[int], end: int
) -> dict[int, int]:
    """For each new paragraph, the old index of the next paragraph that stays in place."""
    anchors: dict[int, int] = {}
    next_anchor = end
    for para in reversed(new):
        if para.index in pairs and para.index not in moved:
            next_anchor = pairs[para.index]
        anchors[para.index] = next_anchor
    return anchors


def align_paragraphs(
    old_texts: Sequence[str],
    new_texts: Sequence[str],
    *,
    old_keys: Sequence[str] | None = None,
    new_keys: Sequence[str] | None = None,
) -> tuple[ParagraphDiff, ...]:
    """Rows for every non-empty paragraph of both versions, in the new version's reading order.

    ``old_keys``/``new_keys`` are the paragraphs' ``normalise_text`` results when the caller
    already has them (saves normalising twice).
    """
    old = _paras(
        old_keys if old_keys is not None else [normalise_text(t) for t in old_texts]
    )
    new = _paras(
        new_keys if new_keys is not None else [normalise_text(t) for t in new_texts]
    )
    old_by_index = {p.index: p for p in old}
    pairs = _pairs(old, new)
    moved = _moved(new, pairs)
    anchors = _anchors(new, pairs, moved, len(old_texts))
    removed = sorted(set(old_by_index) - set(pairs.values()), reverse=True)
    rows: list[ParagraphDiff] = []
    for para in new:
        while removed and removed[-1] < anchors[para.index]:
            rows.append(_removed_row(old_texts, removed.pop()))
        if para.index in pairs:
            old_para = old_by_index[pairs[para.index]]
            rows.append(
                _pair_row(old_para, para, (old_texts, new_texts), para.index in moved)
            )
        else:
            rows.append(_added_row(new_texts, para.index))
    rows.extend(_removed_row(old_texts, i) for i in reversed(removed))
    return tuple(rows)


def _checked_old(old_paragraphs: Sequence[str], row: ParagraphDiff) -> str:
    index = row.old_index
    if index is None or not 0 <= index < len(old_paragraphs):
        raise PatchError(
            f"the diff refers to old paragraph {index}, which does not exist"
        )
    expected = old_side(row.words) if row.status == "edited" else row.old_text
    if normalise_text(old_paragraphs[index]) != normalise_text(expected):
        raise PatchError(f"old paragraph {index + 1} does not read as the diff expects")
    return old_paragraphs[index]


def apply_diff(
    old_paragraphs: Sequence[str], rows: Sequence[ParagraphDiff]
) -> list[str]:
    """Rebuild the new version's non-empty paragraphs from the old ones and the diff rows.

    Like ``patch``, checks that every old paragraph the diff relies on reads as expected
    (``PatchError`` otherwise). Kept paragraphs come from ``old_paragraphs``, edited ones from
    their word ops, added ones from the row; so the result reads as the new version (it equals
    it exactly when the new text has single spaces and no typographic noise).
    """
    out: list[str] = []
    for row in rows:
        if row.status == "added":
            out.append(row.new_text)
            continue
        old_text = _checked_old(old_paragraphs, row)
        if row.status == "equal":
            out.append(old_text)
        elif row.status == "edited":
            out.append(new_side(row.words))
    return out
