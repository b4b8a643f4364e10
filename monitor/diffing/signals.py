"""What an edit touched: correction notices, numbers, names (all rules are data below)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from monitor.diffing.words import WordOp

# A sentence start (notices open a paragraph or a sentence), allowing an opening bracket/asterisk.
_START = r"(?:^|(?<=[.!?] ))[\[(*]*"
# A parenthesised date or number after the label: "Correction (12 March 2024):", "UPDATE 2 -".
_LABEL_TAIL = r"\s*(?:\d+\s*)?(?:\([^)]{0,40}\)\s*)?[:\-]"

# Correction and update notices, matched case-insensitively on normalised text (quotes folded to
# ASCII). Each exists because outlets use it to flag a changed article:
CORRECTION_PATTERNS: tuple[str, ...] = (
    # "Correction: ...", "CORRECTION (March 3): ...", "Corrections -"
    _START + r"corrections?" + _LABEL_TAIL,
    # "Update: ...", "Updated: ...", "UPDATE 2 - ...", "Update (14:05 GMT): ..."
    _START + r"updated?" + _LABEL_TAIL,
    # "Clarification: ..."
    _START + r"clarifications?" + _LABEL_TAIL,
    # "Editor's note: ...", "Editors' note"
    _START + r"editors?'?s? note\b",
    # "This article has been updated to reflect ...", "This story was corrected ..."
    (
        r"\bthis (?:article|story|report|piece|post) (?:has been|had been|was|is being) "
        r"(?:updated|corrected|amended|changed|edited)\b"
    ),
    # "An earlier version of this article misstated ...", "A previous version of this story"
    r"\ban? (?:earlier|previous|prior) version of this (?:article|story|report|piece|post)\b",
    # "We have corrected this article", "We amended this story"
    r"\bwe (?:have )?(?:corrected|amended|updated) (?:this|the) (?:article|story|report)\b",
)
# Every pattern above contains one of these; text without any of them is skipped quickly.
_NOTICE_WORDS = ("correct", "updat", "clarif", "note", "version", "amend")
_CORRECTION_RE = tuple(re.compile(p, re.IGNORECASE) for p in CORRECTION_PATTERNS)

# Numbers as news prints them: 300, 1,500, 2.5, 12%, 2024. Thousands separators are ignored
# when comparing ("1,500" == "1500"); a trailing full stop is not part of the number. The
# pattern also finds capitalised words, kept only when they are day or month names (below).
_NUMBER_OR_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|\b[A-Z][a-z]{2,8}\b")
# Day and month names are dates too: "on Monday" -> "on Tuesday" is the classic correction.
# Capitalised only; "May" only next to a figure ("May 14", "14 May"), as it is also a verb.
_DATE_NAMES = frozenset(
    [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)
_NEXT_TO_FIGURE = re.compile(r"\d ?$")
# Numbers written out ("delayed by two years" -> "three years"). "one" is left out: it is far
# more often a pronoun ("one expert said") than a count.
_NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|dozen)s?\b",
    re.IGNORECASE,
)


def _is_number(match: re.Match[str]) -> bool:
    word = match.group(0)
    if word[0].isdigit() or word in _DATE_NAMES:
        return True
    text, start, end = match.string, match.start(), match.end()
    return word == "May" and (
        text[end : end + 2].strip()[:1].isdigit()
        or bool(_NEXT_TO_FIGURE.search(text, max(0, start - 2), start))
    )


# A capitalised word (a likely name: person, unit, place, weapon system) after a sentence start.
_SENTENCE_END = (".", "!", "?", ":", '"', "'")


_SENTENCE_STOP = re.compile(r"[.!?](?=\s|$)")
# Longest notice quoted in a report; longer ones are cut (the diff holds the full text).
MAX_NOTICE_CHARS = 300


def _sentence_at(text: str, start: int, after: int) -> str:
    stop = _SENTENCE_STOP.search(text, after)
    end = stop.end() if stop else len(text)
    sentence = text[start:end].strip()
    if len(sentence) > MAX_NOTICE_CHARS:
        sentence = sentence[: MAX_NOTICE_CHARS - 1].rstrip() + "…"
    return sentence


def correction_notices(old: str, new: str) -> list[str]:
    """Sentences of ``new`` opening a correction/update notice that ``old`` did not have.

    Both texts are expected normalised; a notice already in ``old`` does not count again.
    """
    folded = new.casefold()
    if not any(word in folded for word in _NOTICE_WORDS):
        return []
    found: list[tuple[int, str]] = []
    for pattern in _CORRECTION_RE:
        before = Counter(m.group(0).casefold() for m in pattern.finditer(old))
        for match in pattern.finditer(new):
            phrase = match.group(0).casefold()
            if before[phrase] > 0:
                before[phrase] -= 1
            else:
                found.append(
                    (match.start(), _sentence_at(new, match.start(), match.end()))
                )
    # one notice may match several patterns ("Update: this article has been updated ...")
    notices: list[str] = []
    last_end = -1
    for start, sentence in sorted(found):
        if start >= last_end:
            notices.append(sentence)
            last_end = start + len(sentence)
    return notices


def numbers(text: str) -> list[str]:
    """The numbers, number words and date words in ``text``, in order, as written."""
    found = [m for m in _NUMBER_OR_WORD.finditer(text) if _is_number(m)]
    found += _NUMBER_WORDS.finditer(text)
    return [m.group(0) for m in sorted(found, key=lambda m: m.start())]


def _number_key(number: str) -> str:
    return number.replace(",", "").lower()


def touched_numbers(ops: tuple[WordOp, ...]) -> tuple[list[str], list[str]]:
    """(numbers deleted, numbers inserted) by word ops; a figure that only moved does not count.

    Only the changed words are scanned, so this costs little on long paragraphs.
    """
    deleted = [n for op in ops if op.tag == "delete" for n in numbers(op.old)]
    inserted = [n for op in ops if op.tag == "insert" for n in numbers(op.new)]
    return _difference(deleted, inserted)


def changed_numbers(old: str, new: str) -> tuple[list[str], list[str]]:
    """(numbers only in old, numbers only in new), as a multiset difference, in text order."""
    return _difference(numbers(old), numbers(new))


def _difference(
    old_nums: list[str], new_nums: list[str]
) -> tuple[list[str], list[str]]:
    old_keys = Counter(_number_key(n) for n in old_nums)
    new_keys = Counter(_number_key(n) for n in new_nums)
    return _only(old_nums, old_keys - new_keys), _only(new_nums, new_keys - old_keys)


def _only(nums: list[str], extra: Counter[str]) -> list[str]:
    out: list[str] = []
    for num in nums:
        key = _number_key(num)
        if extra[key] > 0:
            extra[key] -= 1
            out.append(num)
    return out


def _side_names(runs: Iterable[tuple[bool, str]]) -> list[str]:
    """Capitalised words in the changed runs, not counting the first word of a sentence."""
    names: list[str] = []
    previous = "."
    for changed, run in runs:
        if not changed:  # only its last word matters: does a sentence end there?
            previous = run.rsplit(None, 1)[-1] if run.strip() else previous
            continue
        for word in run.split():
            bare = word.strip("\"'([")
            if bare[:1].isupper() and not previous.endswith(_SENTENCE_END):
                names.append(bare.rstrip(".,;:!?\"')]"))
            previous = word
    return names


def touched_names(ops: tuple[WordOp, ...]) -> list[str]:
    """Names (capitalised words mid-sentence) deleted or inserted by a paragraph's word ops."""
    old_runs = [(op.tag == "delete", op.old) for op in ops if op.tag != "insert"]
    new_runs = [(op.tag == "insert", op.new) for op in ops if op.tag != "delete"]
    return _side_names(old_runs) + _side_names(new_runs)
